package io.pistil.messaging.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.springframework.core.MethodParameter;
import org.springframework.util.ReflectionUtils;

import io.pistil.messaging.Delivery;

/**
 * A {@code @PistilListener} method as a {@link DeliveryHandler}: converts the payload for
 * its parameter, passes the {@link Delivery} if it asks for it, and converts its return
 * value into the reply.
 */
public final class ListenerMethod implements DeliveryHandler {

	private final Object bean;

	private final Method method;

	private final PayloadConverter converter;

	private final MethodParameter payload;

	private final int deliveryIndex;

	/**
	 * Wraps a listener method.
	 * @param bean the bean
	 * @param method its listener method
	 * @param converter the payloads' converter
	 * @throws IllegalStateException if the method takes more than one payload, or
	 * parameters other than a payload and a Delivery
	 */
	public ListenerMethod(Object bean, Method method, PayloadConverter converter) {
		this.bean = bean;
		this.method = method;
		this.converter = converter;
		MethodParameter payload = null;
		int deliveryIndex = -1;
		for (int i = 0; i < method.getParameterCount(); i++) {
			if (method.getParameterTypes()[i] == Delivery.class) {
				deliveryIndex = i;
			}
			else if (payload == null) {
				payload = new MethodParameter(method, i);
			}
			else {
				throw new IllegalStateException("@PistilListener method " + describe(method)
						+ " takes more than one payload; it takes the payload and, optionally, a Delivery");
			}
		}
		this.payload = payload;
		this.deliveryIndex = deliveryIndex;
		ReflectionUtils.makeAccessible(method);
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName();
	}

	@Override
	public Envelope handle(Envelope message, DeliveryInfo delivery) throws Exception {
		Object[] arguments = new Object[this.method.getParameterCount()];
		if (this.payload != null) {
			arguments[this.payload.getParameterIndex()] = this.converter.fromEnvelope(message, this.payload);
		}
		if (this.deliveryIndex >= 0) {
			arguments[this.deliveryIndex] = delivery;
		}
		Object result;
		try {
			result = this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
		return (result != null && delivery.request()) ? this.converter.toEnvelope(result) : null;
	}

}
