package io.pistil.child;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The threads of a tcp worker, for each value of its pool's {@code threads}.
 */
class ConnectionThreadsTests {

	@Test
	void oneThreadIsTheAcceptingThreadItself() {
		ConnectionThreads threads = ConnectionThreads.of("1", 1000);
		Thread[] ranOn = new Thread[1];
		threads.executor().execute(() -> ranOn[0] = Thread.currentThread());
		assertThat(ranOn[0]).isSameAs(Thread.currentThread());
		assertThat(threads.capacity()).isOne();
	}

	@Test
	void severalThreadsAreAPoolOfDaemonThreads() {
		ConnectionThreads threads = ConnectionThreads.of("4", 1000);
		CompletableFuture<Thread> ranOn = new CompletableFuture<>();
		threads.executor().execute(() -> ranOn.complete(Thread.currentThread()));
		assertThat(ranOn.join().getName()).isEqualTo("pistil-connection-1");
		assertThat(ranOn.join().isDaemon()).isTrue();
		assertThat(threads.capacity()).isEqualTo(4);
	}

	/**
	 * Java 17 has no virtual threads: found at run time, so the same build runs them on
	 * Java 21 and later.
	 */
	@Test
	void virtualThreadsWhereTheJvmHasThem() throws Exception {
		if (Runtime.version().feature() < 21) {
			assertThatIllegalStateException().isThrownBy(() -> ConnectionThreads.of("virtual", 10))
				.withMessageStartingWith("threads: virtual needs virtual threads (Java 21 or newer); this JVM is Java "
						+ Runtime.version());
			return;
		}
		ConnectionThreads threads = ConnectionThreads.of("virtual", 10);
		CompletableFuture<Thread> ranOn = new CompletableFuture<>();
		threads.executor().execute(() -> ranOn.complete(Thread.currentThread()));
		assertThat(Thread.class.getMethod("isVirtual").invoke(ranOn.join())).isEqualTo(true);
		assertThat(ranOn.join().getName()).isEqualTo("pistil-connection-1");
		assertThat(threads.capacity()).isEqualTo(10);
	}

}
