package io.pistil.it;

import java.util.Map;

import org.springframework.boot.SpringApplication;

/**
 * The {@link TestApplication} with its web server, on a free loopback port, and the
 * actuator's endpoints exposed; arguments override these defaults.
 */
public class WebTestApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setDefaultProperties(Map.of("server.port", "0", "server.address", "127.0.0.1",
				"management.endpoints.web.exposure.include", "health,metrics,prometheus,pistil",
				"management.endpoint.health.show-details", "always", "spring.main.banner-mode", "off"));
		application.run(args);
	}

}
