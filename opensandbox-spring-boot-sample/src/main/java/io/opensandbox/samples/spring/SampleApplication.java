package io.opensandbox.samples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that runs commands in sandboxes through the OpenSandbox starter: the starter makes
 * the {@code ConnectionConfig} from {@code application.yaml}, Actuator shows {@code /actuator/health/openSandbox}
 * and the {@code opensandbox.calls} timers.
 */
@SpringBootApplication
public class SampleApplication {

    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
