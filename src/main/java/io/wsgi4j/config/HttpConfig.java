package io.wsgi4j.config;

import java.time.Duration;

/**
 * HTTP limits and timeouts.
 *
 * @param limitRequestBody  the largest request body accepted, in bytes; 0 for no limit ({@code LimitRequestBody})
 * @param keepAliveTimeout  how long an idle connection is kept between requests; zero disables keep-alive
 * @param socketTimeout     how long a read or write on a connection may stall during a request ({@code Timeout})
 */
public record HttpConfig(long limitRequestBody, Duration keepAliveTimeout, Duration socketTimeout) {
}
