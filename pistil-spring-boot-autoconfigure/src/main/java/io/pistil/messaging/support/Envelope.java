package io.pistil.messaging.support;

import java.util.Map;

/**
 * A message as the transports carry it: its headers (the content type among them) and its
 * payload's bytes, already converted.
 *
 * @param headers the headers
 * @param payload the payload's bytes
 */
public record Envelope(Map<String, String> headers, byte[] payload) {

	public Envelope {
		headers = Map.copyOf(headers);
	}

}
