package io.pistil.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import io.pistil.worker.TcpClient;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.WorkerContext;

/**
 * The seed's serve_file.py: tcp workers serving the files under their {@code root}
 * argument, a Spring resource location such as {@code classpath:/static/} (the sample's
 * fserve pool) or {@code file:/var/www/}.
 */
public class StaticFileWorker implements TcpWorker {

	private final ResourceLoader resources;

	public StaticFileWorker(ResourceLoader resources) {
		this.resources = resources;
	}

	@Override
	public void handle(TcpClient client, WorkerContext context) throws IOException {
		String path = HttpExchange.readRequestPath(client.input());
		if (path == null) {
			HttpExchange.respond(client.output(), "400 Bad Request", "text/plain", bytes("bad request\n"));
			return;
		}
		String name = path.split("[?#]", 2)[0].replaceFirst("^/+", "");
		if (name.isEmpty()) {
			name = "index.html";
		}
		Resource file = this.resources.getResource(context.args().get("root") + name);
		// No way out of the root: a path with a ".." segment is not found.
		if (("/" + name + "/").contains("/../") || !file.isReadable()) {
			HttpExchange.respond(client.output(), "404 Not Found", "text/plain", bytes(path + " not found\n"));
			return;
		}
		String type = URLConnection.guessContentTypeFromName(name);
		try (InputStream content = file.getInputStream()) {
			HttpExchange.respond(client.output(), "200 OK", (type != null) ? type : "application/octet-stream",
					content.readAllBytes());
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
