package io.pistil.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * The seed's UrlWorker: fetches a page in a loop (its {@code url} argument: the tcp-hello
 * pool in the sample's tcp_pool) and logs what it got.
 */
public class Grabber implements Worker {

	private static final Log logger = LogFactory.getLog(Grabber.class);

	private static final int TIMEOUT_MILLIS = 5000;

	@Override
	public void handle(WorkerContext context) throws IOException {
		String url = context.args().get("url");
		HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
		connection.setConnectTimeout(TIMEOUT_MILLIS);
		connection.setReadTimeout(TIMEOUT_MILLIS);
		try (InputStream body = connection.getInputStream()) {
			logger.info("grabbed " + url + ": " + new String(body.readAllBytes(), StandardCharsets.UTF_8).trim());
		}
		catch (IOException ex) {
			// The pool may be restarting: try again on the next step.
			logger.warn("cannot grab " + url + ": " + ex);
		}
		finally {
			connection.disconnect();
		}
	}

}
