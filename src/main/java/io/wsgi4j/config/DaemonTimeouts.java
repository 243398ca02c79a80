package io.wsgi4j.config;

import java.time.Duration;

/**
 * The timeouts of a process group; {@link Duration#ZERO} turns one off.
 *
 * @param request  a request running longer is answered 504 and its process restarted ({@code request-timeout})
 * @param queue    a request waiting longer for a free thread is answered 503, never run ({@code queue-timeout})
 * @param startup  a process that has not loaded the application by then is restarted ({@code startup-timeout})
 * @param graceful how long a process being replaced, or the server being stopped, lets requests finish
 *                 ({@code graceful-timeout})
 * @param shutdown how long a process told to exit may take before it is killed ({@code shutdown-timeout})
 */
public record DaemonTimeouts(Duration request, Duration queue, Duration startup, Duration graceful,
                             Duration shutdown) {
}
