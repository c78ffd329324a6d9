package io.pistil.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that consumes a queue or subscribes to a topic: on a worker (it runs in
 * each worker of the pool) or on a bean of the arbiter (one consumer, e.g. a collector of
 * results).
 *
 * <p>
 * The method takes the payload (converted to the parameter's type) and, optionally, a
 * {@link Delivery}. Returning normally acknowledges the message; for a
 * {@link PistilMessaging#request request}, the return value is the reply. An exception
 * rejects it: it is delivered again (to any consumer), and dead-lettered after the
 * queue's {@code max-deliveries}. Each listener runs on a thread of its own, one message
 * at a time, so the worker's heartbeat goes on while it runs.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PistilListener {

	/** The queue to consume (or set {@link #topic()}). */
	String queue() default "";

	/** The topic to subscribe to (or set {@link #queue()}). */
	String topic() default "";

}
