package io.pistil.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.ApplicationPidFileWriter;

/**
 * The seed's examples as Spring beans: a pool of three hello workers and the two-kinds
 * multi-worker.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addListeners(new ApplicationPidFileWriter());
		application.run(args);
	}

}
