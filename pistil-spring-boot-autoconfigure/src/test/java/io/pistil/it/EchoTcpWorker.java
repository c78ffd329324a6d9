package io.pistil.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.pistil.worker.TcpClient;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.WorkerContext;

/**
 * Reads one line and answers in two parts: "pid <pid>" at once (so a client knows which
 * worker accepted it), then, after {@code reply-millis}, "echo <line>". The line "fail"
 * makes it throw before answering; "grow <MB>" makes it keep that much more memory.
 */
public class EchoTcpWorker implements TcpWorker {

	private static final List<byte[]> kept = new ArrayList<>();

	@Override
	public void handle(TcpClient client, WorkerContext context) throws Exception {
		BufferedReader reader = new BufferedReader(new InputStreamReader(client.input(), StandardCharsets.UTF_8));
		String line = reader.readLine();
		if ("fail".equals(line)) {
			throw new IllegalStateException("asked to fail by " + client.address());
		}
		if (line != null && line.startsWith("grow ")) {
			for (int i = 0; i < Integer.parseInt(line.substring("grow ".length())); i++) {
				kept.add(new byte[1024 * 1024]);
			}
		}
		OutputStream output = client.output();
		output.write(("pid " + context.pid() + "\n").getBytes(StandardCharsets.UTF_8));
		output.flush();
		Thread.sleep(Long.parseLong(context.args().getOrDefault("reply-millis", "0")));
		output.write(("echo " + line + "\n").getBytes(StandardCharsets.UTF_8));
	}

}
