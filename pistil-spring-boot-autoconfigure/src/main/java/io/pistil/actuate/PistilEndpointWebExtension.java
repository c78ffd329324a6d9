package io.pistil.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import io.pistil.actuate.PistilEndpoint.PoolDescriptor;
import io.pistil.arbiter.CommandRefusedException;
import io.pistil.arbiter.NoSuchPoolException;

/**
 * The {@code pistil} endpoint over HTTP: a refused request gets its status and a JSON
 * body saying why — 400 for an invalid request, 404 for an unknown pool, 409 for a change
 * the pool cannot take now. Values of the wrong JSON type (a word for {@code workers}, an
 * unknown {@code action}) are refused with 400 by Spring Boot before they reach it.
 */
@EndpointWebExtension(endpoint = PistilEndpoint.class)
@RegisterReflectionForBinding(PistilEndpointWebExtension.Refusal.class)
public class PistilEndpointWebExtension {

	private static final int STATUS_CONFLICT = 409;

	private final PistilEndpoint endpoint;

	public PistilEndpointWebExtension(PistilEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Reads one pool.
	 * @param pool the pool's name
	 * @return the pool, or a 404 refusal
	 */
	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> pool(@Selector String pool) {
		PoolDescriptor descriptor = this.endpoint.pool(pool);
		return (descriptor != null) ? new WebEndpointResponse<>(descriptor)
				: refusal(WebEndpointResponse.STATUS_NOT_FOUND, new NoSuchPoolException(pool).getMessage());
	}

	/**
	 * Changes a pool, as {@link PistilEndpoint#change} does.
	 * @param pool the pool's name
	 * @param workers the new worker count, or null for an action
	 * @param action what to do, or null with workers
	 * @param pid the pid of the worker to replace, with {@link PoolAction#REPLACE}
	 * @return the pool after the change (200), or why it was refused (400, 404, 409)
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> change(@Selector String pool, @Nullable Number workers,
			@Nullable PoolAction action, @Nullable Number pid) {
		try {
			return new WebEndpointResponse<>(this.endpoint.change(pool, workers, action, pid));
		}
		catch (InvalidEndpointRequestException ex) {
			return refusal(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getReason());
		}
		catch (NoSuchPoolException ex) {
			return refusal(WebEndpointResponse.STATUS_NOT_FOUND, ex.getMessage());
		}
		catch (CommandRefusedException ex) {
			return refusal(STATUS_CONFLICT, ex.getMessage());
		}
	}

	private static WebEndpointResponse<OperationResponseBody> refusal(int status, @Nullable String message) {
		return new WebEndpointResponse<>(new Refusal(status, String.valueOf(message)), status);
	}

	/**
	 * Why a request was refused.
	 *
	 * @param status the HTTP status
	 * @param message what was wrong
	 */
	public record Refusal(int status, String message) implements OperationResponseBody {
	}

}
