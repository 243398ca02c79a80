package io.wsgi4j.gateway;

import io.wsgi4j.config.ReadTimeouts;
import io.wsgi4j.config.ServerConfig;
import java.nio.file.Path;

/**
 * What every exchange of a server shares.
 *
 * @param limitRequestBody   the largest request body, in bytes; 0 for no limit ({@code --limit-request-body})
 * @param readTimeouts       the body's time allowance ({@code --body-timeout}, {@code --body-min-rate}...)
 * @param spoolDirectory     where bodies too large for memory are spooled (the server root's run directory)
 * @param responseBufferSize how many response bytes may wait for a slow client before the application waits
 * @param memory             what in-memory bodies and response buffers may take, all exchanges together
 * @param responseSpool      the disk that responses spooled past their buffer may take, all together
 *                           (only a producer that may not wait spools: see {@link ResponseBuffer})
 */
public record ExchangeSettings(long limitRequestBody, ReadTimeouts readTimeouts, Path spoolDirectory,
                               int responseBufferSize, MemoryBudget memory, MemoryBudget responseSpool) {
    /** The disk responses may be spooled to, all together, in one server process. */
    static final long RESPONSE_SPOOL_LIMIT = 1L << 30;

    /** The server's settings, with a memory budget of a quarter of the heap. */
    public static ExchangeSettings of(ServerConfig config) {
        return new ExchangeSettings(config.http().limitRequestBody(), config.http().readTimeouts(),
                config.runDirectory(), config.http().responseBufferSize(), MemoryBudget.quarterOfHeap(),
                new MemoryBudget(RESPONSE_SPOOL_LIMIT));
    }
}
