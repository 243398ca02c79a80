package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shared memory budget: taken up to its limit, forced beyond it for progress, given back. */
class MemoryBudgetTest {
    @Test
    void takesUpToTheLimitAndNoMore() {
        MemoryBudget budget = new MemoryBudget(100);
        assertTrue(budget.tryReserve(60));
        assertTrue(budget.tryReserve(40));
        assertFalse(budget.tryReserve(1), "nothing is left");
        assertEquals(100, budget.used(), "a refusal takes nothing");
        budget.release(30);
        assertTrue(budget.tryReserve(30));
    }

    @Test
    void aForcedReservationGoesBeyondAndIsGivenBack() {
        MemoryBudget budget = new MemoryBudget(10);
        budget.reserve(25);
        assertFalse(budget.tryReserve(1));
        budget.release(25);
        assertEquals(0, budget.used());
        assertTrue(budget.tryReserve(10));
    }
}
