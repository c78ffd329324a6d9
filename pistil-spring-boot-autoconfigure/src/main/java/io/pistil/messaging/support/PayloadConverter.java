package io.pistil.messaging.support;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.SmartMessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/**
 * Turns payloads into the bytes the transports carry and back, through a Spring
 * {@link MessageConverter}; {@code byte[]} goes as it is.
 */
public final class PayloadConverter {

	private static final String CONTENT_TYPE = MessageHeaders.CONTENT_TYPE;

	private final MessageConverter converter;

	public PayloadConverter(MessageConverter converter) {
		this.converter = converter;
	}

	/**
	 * Converts a payload.
	 * @param payload the payload
	 * @return its envelope
	 */
	public Envelope toEnvelope(Object payload) {
		if (payload instanceof byte[] bytes) {
			return new Envelope(Map.of(CONTENT_TYPE, MimeTypeUtils.APPLICATION_OCTET_STREAM_VALUE), bytes);
		}
		Message<?> message = this.converter.toMessage(payload, null);
		if (message == null) {
			throw new MessageConversionException("Cannot convert a " + payload.getClass().getName()
					+ " payload; the messaging's converter takes no such type");
		}
		Map<String, String> headers = new HashMap<>();
		Object contentType = message.getHeaders().get(CONTENT_TYPE);
		if (contentType != null) {
			headers.put(CONTENT_TYPE, contentType.toString());
		}
		Object converted = message.getPayload();
		byte[] bytes = (converted instanceof byte[] raw) ? raw : converted.toString().getBytes(StandardCharsets.UTF_8);
		return new Envelope(headers, bytes);
	}

	/**
	 * Converts an envelope's payload for a listener's parameter.
	 * @param envelope the envelope
	 * @param target the parameter
	 * @return the payload, or null for an empty reply
	 */
	public Object fromEnvelope(Envelope envelope, MethodParameter target) {
		return fromEnvelope(envelope, target.getParameterType(), target);
	}

	/**
	 * Converts an envelope's payload.
	 * @param envelope the envelope
	 * @param type the type wanted
	 * @return the payload, or null for an empty reply
	 */
	public Object fromEnvelope(Envelope envelope, Class<?> type) {
		return fromEnvelope(envelope, type, null);
	}

	private Object fromEnvelope(Envelope envelope, Class<?> type, MethodParameter hint) {
		if (type == byte[].class) {
			return envelope.payload();
		}
		String contentType = envelope.headers().get(CONTENT_TYPE);
		if (envelope.payload().length == 0 && contentType == null) {
			return null;
		}
		MessageBuilder<byte[]> builder = MessageBuilder.withPayload(envelope.payload());
		if (contentType != null) {
			builder.setHeader(CONTENT_TYPE, MimeType.valueOf(contentType));
		}
		Message<byte[]> message = builder.build();
		Object payload = (this.converter instanceof SmartMessageConverter smart && hint != null)
				? smart.fromMessage(message, type, hint) : this.converter.fromMessage(message, type);
		if (payload == null) {
			throw new MessageConversionException(
					"Cannot convert a message of type " + contentType + " to " + type.getName());
		}
		return payload;
	}

}
