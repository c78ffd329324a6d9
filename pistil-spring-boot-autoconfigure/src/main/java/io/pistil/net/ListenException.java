package io.pistil.net;

/**
 * Thrown when a pool cannot listen on one of its addresses; names the pool and the
 * address.
 */
public class ListenException extends RuntimeException {

	private final String pool;

	private final String address;

	/**
	 * Creates an exception.
	 * @param pool the pool
	 * @param address the address, as configured
	 * @param reason why it cannot be listened on
	 * @param cause the failure, or null
	 */
	public ListenException(String pool, String address, String reason, Throwable cause) {
		super("Pool '" + pool + "' cannot listen on " + address + ": " + reason, cause);
		this.pool = pool;
		this.address = address;
	}

	public String getPool() {
		return this.pool;
	}

	public String getAddress() {
		return this.address;
	}

}
