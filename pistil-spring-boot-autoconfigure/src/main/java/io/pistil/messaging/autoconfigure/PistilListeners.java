package io.pistil.messaging.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

import io.pistil.messaging.PistilListener;
import io.pistil.messaging.support.DefaultPistilMessaging;
import io.pistil.messaging.support.ListenerMethod;
import io.pistil.messaging.support.Transport;

/**
 * Finds the {@link PistilListener} methods of a context's beans once they are all
 * created, subscribes them when the context starts, and stops them when it stops: the
 * deliveries they have not begun go back to their queue, and the ones running finish.
 *
 * <p>
 * In the arbiter, its phase is below the arbiter's, so the listeners there keep consuming
 * until every worker has stopped.
 */
final class PistilListeners implements SmartInitializingSingleton, SmartLifecycle {

	/** Below the arbiter's lifecycle (which stops first). */
	static final int PHASE = Integer.MAX_VALUE - 8192;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final ConfigurableListableBeanFactory beanFactory;

	private final DefaultPistilMessaging messaging;

	private final List<Runnable> subscribers = new ArrayList<>();

	private final List<Transport.Subscription> subscriptions = new ArrayList<>();

	private volatile boolean running;

	PistilListeners(ConfigurableListableBeanFactory beanFactory, DefaultPistilMessaging messaging) {
		this.beanFactory = beanFactory;
		this.messaging = messaging;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beanFactory.getBeanNamesForType(Object.class, false, false)) {
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null || !AnnotationUtils.isCandidateClass(type, PistilListener.class)) {
				continue;
			}
			Map<Method, PistilListener> methods = MethodIntrospector.selectMethods(type,
					(MethodIntrospector.MetadataLookup<PistilListener>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, PistilListener.class));
			if (methods.isEmpty()) {
				continue;
			}
			Object bean = this.beanFactory.getBean(name);
			methods.forEach(
					(method, listener) -> add(bean, AopUtils.selectInvocableMethod(method, bean.getClass()), listener));
		}
	}

	private void add(Object bean, Method method, PistilListener listener) {
		boolean queue = !listener.queue().isEmpty();
		boolean topic = !listener.topic().isEmpty();
		String where = method.getDeclaringClass().getName() + "." + method.getName();
		if (queue == topic) {
			throw new IllegalStateException("@PistilListener on " + where + " must name either a queue or a topic");
		}
		ListenerMethod handler = new ListenerMethod(bean, method, this.messaging.converter());
		// Unknown names fail the start here, not at the first message.
		if (queue) {
			this.messaging.settings().queue(listener.queue());
			this.subscribers.add(() -> this.subscriptions.add(this.messaging.listen(listener.queue(), handler)));
		}
		else {
			this.messaging.settings().topic(listener.topic());
			this.subscribers.add(() -> this.subscriptions.add(this.messaging.subscribe(listener.topic(), handler)));
		}
	}

	@Override
	public synchronized void start() {
		if (!this.running) {
			this.subscribers.forEach(Runnable::run);
			this.running = true;
		}
	}

	/**
	 * Stops taking deliveries: those received and not begun go back to their queue; the
	 * running ones finish.
	 */
	@Override
	public synchronized void stop() {
		this.subscriptions.forEach((subscription) -> subscription.stop(STOP_TIMEOUT));
		this.subscriptions.clear();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
