package io.pistil.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough HTTP/1.1 for the sample's tcp workers: reads a request's head, and writes
 * one response before the connection closes, as gunicorn's sync workers do (no
 * keep-alive).
 */
final class HttpExchange {

	private static final int MAX_HEAD = 8192;

	private HttpExchange() {
	}

	/**
	 * Reads a request's head, up to its blank line: a client whose request is not read in
	 * full before the connection closes may see it reset.
	 * @param input what the client sends
	 * @return the request's path, or null if the request is no {@code GET} this sample
	 * understands
	 * @throws IOException if the connection fails
	 */
	static String readRequestPath(InputStream input) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4 && head.size() < MAX_HEAD) {
			int next = input.read();
			if (next < 0) {
				break;
			}
			head.write(next);
			matched = (next == "\r\n\r\n".charAt(matched)) ? matched + 1 : (next == '\r') ? 1 : 0;
		}
		String[] requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0].split(" ");
		return (requestLine.length == 3 && requestLine[0].equals("GET")) ? requestLine[1] : null;
	}

	/**
	 * Writes a response.
	 * @param output the stream to the client
	 * @param status the status code and reason, e.g. "200 OK"
	 * @param contentType the body's type
	 * @param body the body
	 * @throws IOException if the connection fails
	 */
	static void respond(OutputStream output, String status, String contentType, byte[] body) throws IOException {
		String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
				+ "\r\nConnection: close\r\n\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
		byte[] response = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, response, 0, headBytes.length);
		System.arraycopy(body, 0, response, headBytes.length, body.length);
		// One write: one segment for a small response.
		output.write(response);
	}

}
