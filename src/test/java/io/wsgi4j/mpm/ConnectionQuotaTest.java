package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsgi4j.config.Mpm;
import io.wsgi4j.config.OperatingMode;
import io.wsgi4j.config.ServerModel;
import org.junit.jupiter.api.Test;

class ConnectionQuotaTest {
    private static ServerModel model(Mpm mpm, int threads) {
        return new ServerModel(OperatingMode.EMBEDDED, mpm, 3, threads, true);
    }

    @Test
    void eachMpmHoldsWhatApacheHolds() {
        assertEquals(1, ConnectionQuota.perServerProcess(model(Mpm.PREFORK, 1), 1024));
        assertEquals(4, ConnectionQuota.perServerProcess(model(Mpm.WORKER, 4), 1024));
        assertEquals(2, ConnectionQuota.perServerProcess(model(Mpm.WORKER, 4), 2));
        assertEquals(1024, ConnectionQuota.perServerProcess(model(Mpm.EVENT, 4), 1024));
    }
}
