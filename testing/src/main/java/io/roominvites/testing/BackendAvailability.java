package io.roominvites.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterInfo;

/**
 * Disables the tests of a {@code @ParameterizedClass} invocation whose backend cannot run here
 * (the LocalStack placeholder without Docker), with the skip reason; the report then shows them as
 * skipped. Registered by {@link ForEachBackend}.
 */
public final class BackendAvailability implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    ParameterInfo info = ParameterInfo.get(context);
    if (info != null) {
      for (int i = 0; i < info.getArguments().size(); i++) {
        if (info.getArguments().get(i) instanceof UnavailableBackend unavailable) {
          return ConditionEvaluationResult.disabled(unavailable.reason());
        }
      }
    }
    return ConditionEvaluationResult.enabled("backend available");
  }
}
