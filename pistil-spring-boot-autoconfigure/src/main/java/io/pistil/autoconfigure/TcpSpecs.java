package io.pistil.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

import io.pistil.arbiter.InvalidSpecException;
import io.pistil.arbiter.Recycling;
import io.pistil.arbiter.TcpSpec;
import io.pistil.arbiter.ChildType;
import io.pistil.net.ListenAddress;

/**
 * Builds a pool's {@link TcpSpec} and {@link Recycling} from its
 * {@code pistil.workers.<name>} properties.
 */
final class TcpSpecs {

	private TcpSpecs() {
	}

	/**
	 * Returns where a tcp pool listens and how its workers serve connections.
	 * @param name the pool
	 * @param configured its properties
	 * @return the settings, or null for a pool that is no tcp pool
	 * @throws InvalidSpecException for an address that does not parse, or addresses for
	 * another type
	 */
	static TcpSpec tcp(String name, PistilProperties.Pool configured) {
		if (configured.getType() != ChildType.TCP) {
			if (!configured.getListen().isEmpty()) {
				throw new InvalidSpecException(name, "listen", String.join(",", configured.getListen()),
						"only a tcp pool listens: set type: tcp");
			}
			return null;
		}
		List<ListenAddress> addresses = new ArrayList<>();
		for (String address : configured.getListen()) {
			try {
				addresses.add(ListenAddress.parse(address));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidSpecException(name, "listen", address, ex.getMessage());
			}
		}
		return new TcpSpec(addresses, configured.getBacklog(), configured.isReusePort(), configured.getThreads(),
				configured.getWorkerConnections());
	}

	/**
	 * Returns when a pool's workers are recycled.
	 * @param configured the pool's properties
	 * @return the recycling
	 */
	static Recycling recycling(PistilProperties.Pool configured) {
		DataSize maxMemory = configured.getMaxMemory();
		return new Recycling(configured.getMaxRequests(), configured.getMaxRequestsJitter(),
				(maxMemory != null) ? maxMemory.toBytes() : 0);
	}

}
