package io.pistil.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.worker.PistilWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Second kind of the seed's multiworker.py.
 */
@PistilWorker(name = "w2")
public class MyWorker2 implements Worker {

	private static final Log logger = LogFactory.getLog(MyWorker2.class);

	@Override
	public void handle(WorkerContext context) {
		logger.info("hello worker 2 from " + context.pool());
	}

}
