package io.pistil.arbiter;

/**
 * Receives the arbiter's {@link ArbiterEvent events}, on the arbiter thread and in order:
 * keep it quick. An exception is logged and never stops the arbiter.
 */
@FunctionalInterface
public interface ArbiterListener {

	void onEvent(ArbiterEvent event);

}
