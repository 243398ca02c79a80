package io.wsgi4j.config;

import java.time.Duration;

/**
 * HTTP limits and timeouts.
 *
 * @param limitRequestBody   the largest request body accepted, in bytes; 0 for no limit ({@code LimitRequestBody})
 * @param keepAliveTimeout   how long an idle connection is kept between requests; zero disables keep-alive
 * @param socketTimeout      how long a write to a client may stall during a request ({@code Timeout})
 * @param readTimeouts       how long a client may take to send a request's head and body ({@code RequestReadTimeout})
 * @param maxClients         how many connections are open at once; more wait in the listen queue
 * @param responseBufferSize how many bytes of a response are held for a slow client, so that the
 *                           application's thread is free before the client has read them
 */
public record HttpConfig(long limitRequestBody, Duration keepAliveTimeout, Duration socketTimeout,
                         ReadTimeouts readTimeouts, int maxClients, int responseBufferSize) {
}
