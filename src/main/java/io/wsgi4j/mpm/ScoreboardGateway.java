package io.wsgi4j.mpm;

import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.gateway.Gateway;

/** A gateway that records each request in the server process's scoreboard while the application runs it. */
public final class ScoreboardGateway implements Gateway {
    private final Gateway gateway;
    private final Scoreboard scoreboard;

    public ScoreboardGateway(Gateway gateway, Scoreboard scoreboard) {
        this.gateway = gateway;
        this.scoreboard = scoreboard;
    }

    @Override
    public Dispatch dispatch() {
        return gateway.dispatch();
    }

    @Override
    public boolean serveWithoutWaiting(Exchange exchange) {
        int slot = scoreboard.begin(exchange.id(), exchange.describe());
        try {
            return gateway.serveWithoutWaiting(exchange);
        } finally {
            scoreboard.end(slot);
        }
    }

    @Override
    public long threadStackSize() {
        return gateway.threadStackSize();
    }

    @Override
    public void threadEnded() {
        gateway.threadEnded();
    }

    @Override
    public void serve(Exchange exchange) {
        int slot = scoreboard.begin(exchange.id(), exchange.describe());
        try {
            gateway.serve(exchange);
        } finally {
            scoreboard.end(slot);
        }
    }
}
