package io.pistil.messaging;

/**
 * Completes a request's future when no reply will come: the request was dead-lettered
 * (its handler kept failing), or the way to its consumers closed.
 */
public class RequestFailedException extends RuntimeException {

	public RequestFailedException(String message) {
		super(message);
	}

}
