package io.pistil.messaging.it;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Cluster queues and a cluster topic, through a real RabbitMQ on 127.0.0.1:5672 (which
 * {@code .ci/rabbitmq} starts): the same guarantees as the local scope, from quorum
 * queues, publisher confirms, delivery limits and direct reply-to. Without a broker these
 * tests fail.
 */
class ClusterMessagingIT extends MessagingIntegrationTests {

	@Override
	protected String scope() {
		return "cluster";
	}

	@Override
	protected int capacityOvershoot() {
		return 1;
	}

	/** Each run begins with empty queues. */
	@Override
	protected void prepare() {
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			QUEUES.forEach(admin::deleteQueue);
		}
		finally {
			connectionFactory.destroy();
		}
	}

}
