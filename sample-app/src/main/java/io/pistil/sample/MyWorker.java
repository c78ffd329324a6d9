package io.pistil.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.worker.PistilWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * First kind of the seed's multiworker.py.
 */
@PistilWorker(name = "w1")
public class MyWorker implements Worker {

	private static final Log logger = LogFactory.getLog(MyWorker.class);

	@Override
	public void handle(WorkerContext context) {
		logger.info("hello worker 1 from " + context.pool());
	}

}
