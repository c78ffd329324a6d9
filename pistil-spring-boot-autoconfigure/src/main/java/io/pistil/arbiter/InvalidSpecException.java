package io.pistil.arbiter;

import java.time.Duration;

/**
 * Thrown when a pool's settings are invalid; names the pool, the setting and the value.
 */
public class InvalidSpecException extends RuntimeException {

	private final String pool;

	private final String property;

	private final Object value;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param pool the pool
	 * @param property the setting, as its key under {@code pistil.workers.<pool>} (e.g.
	 * "timeout")
	 * @param value the invalid value
	 * @param reason why the value is invalid
	 */
	public InvalidSpecException(String pool, String property, Object value, String reason) {
		super("Invalid value '" + display(value) + "' for " + property + " of pool '" + pool + "': " + reason);
		this.pool = pool;
		this.property = property;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * Shows a duration as it is written in configuration (500ms, 30s), not as ISO-8601.
	 */
	static String display(Object value) {
		if (value instanceof Duration duration) {
			long millis = duration.toMillis();
			return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
		}
		return String.valueOf(value);
	}

	public String getPool() {
		return this.pool;
	}

	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

	/** The invalid value as configuration writes it. */
	public String getDisplayValue() {
		return display(this.value);
	}

	public String getReason() {
		return this.reason;
	}

}
