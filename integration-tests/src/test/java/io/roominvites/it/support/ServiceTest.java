package io.roominvites.it.support;

import io.roominvites.testing.Backend;
import io.roominvites.testing.ForEachBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * Base of the service-level tests: runs the subclass once per backend (DynamoDB Local with the SES
 * emulator here; LocalStack too where Docker exists, reported SKIPPED with the reason where not), with
 * one {@link Service} (and table) per class and backend.
 */
@ForEachBackend
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServiceTest {
    @Parameter
    protected Backend backend;
    protected Service service;
    private String skipReason;

    @BeforeParameterizedClassInvocation
    void startService(Backend backend) throws Exception {
        try {
            this.service = createService(backend);
        } catch (TestAbortedException unavailable) {
            // reported on every test of this backend as SKIPPED, with the reason (not silently dropped)
            this.skipReason = unavailable.getMessage();
            return;
        }
        afterStart();
    }

    @BeforeEach
    void skipWhereTheBackendCannotRun() {
        if (skipReason != null) {
            Assumptions.abort(skipReason);
        }
    }

    /** Override to build the service differently (an email gateway, say). */
    protected Service createService(Backend backend) throws Exception {
        return new Service(backend);
    }

    /** Override to seed what every test of the class needs. */
    protected void afterStart() {
    }

    @AfterParameterizedClassInvocation
    void stopService() throws Exception {
        if (service != null) {
            service.close();
            service = null;
        }
    }
}
