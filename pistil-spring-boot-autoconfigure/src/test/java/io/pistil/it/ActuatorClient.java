package io.pistil.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;

/**
 * HTTP requests to the web server of an arbiter application, as curl would send them.
 */
public final class ActuatorClient {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final URI base;

	private ActuatorClient(URI base) {
		this.base = base;
	}

	/**
	 * Waits until the application's web server, started on a port of the system's
	 * choosing, has recorded its port, and returns a client of it.
	 * @param application the application
	 * @param timeout how long to wait
	 * @return the client
	 */
	public static ActuatorClient of(ArbiterProcess application, Duration timeout) {
		return onPort(application.awaitWebPort(timeout));
	}

	/**
	 * A client of a web server on a loopback port.
	 * @param port the port
	 * @return the client
	 */
	public static ActuatorClient onPort(int port) {
		return new ActuatorClient(URI.create("http://127.0.0.1:" + port));
	}

	/**
	 * Whether a GET answers with a status; false while no server listens.
	 * @param path the path
	 * @param status the status
	 * @return whether it does
	 */
	public boolean answers(String path, int status) {
		try {
			return get(path).statusCode() == status;
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	public HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(this.base.resolve(path)).GET());
	}

	/** Sends a POST with a JSON body. */
	public HttpResponse<String> post(String path, String json) {
		return send(HttpRequest.newBuilder(this.base.resolve(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	/** Sends a GET that must answer 200 with JSON, and returns the JSON. */
	public DocumentContext read(String path) {
		HttpResponse<String> response = get(path);
		if (response.statusCode() != 200) {
			throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return JsonPath.parse(response.body());
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.client.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
