package io.pistil.messaging.autoconfigure;

/**
 * Thrown when a queue's or a topic's setting is invalid; names the property and the
 * value.
 */
public class InvalidMessagingPropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param property the full property name
	 * @param value the invalid value
	 * @param reason why it is invalid
	 */
	public InvalidMessagingPropertyException(String property, Object value, String reason) {
		super("Invalid value '" + value + "' for property " + property + ": " + reason);
		this.property = property;
		this.value = value;
		this.reason = reason;
	}

	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

	public String getReason() {
		return this.reason;
	}

}
