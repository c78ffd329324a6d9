package io.pistil.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.worker.PistilWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * The seed's hello.py and hello_pool.py: three workers, each saying hello.
 */
@PistilWorker(name = "hello", workers = 3, timeout = "30s")
public class HelloWorker implements Worker {

	private static final Log logger = LogFactory.getLog(HelloWorker.class);

	@Override
	public void handle(WorkerContext context) {
		logger.info("hello from worker n°" + context.pid());
	}

}
