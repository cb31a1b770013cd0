/* bus: wires configuration to the devices and waits for a stop signal. */
#include "config.h"
#include "devices.h"
#include "log.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	config_common common;
	const char *listen = NULL, *services = NULL;
	config_item items[] = {
	        {"BUS_LISTEN", CFG_STR, "ipc://var/run/bus0", 0, 0,
	         "this bus's base address (ipc://DIR or tcp://HOST:PORT)", &listen},
	        {"BUS_SERVICES", CFG_STR, "", 0, 0,
	         "services to run a request queue for (empty: those of services/services.list)",
	         &services},
	};
	int check = argc > 1 && strcmp(argv[1], "--check") == 0;
	int rv = config_init("bus", check ? 1 : argc, argv, &common, items, 2);
	if (rv != 0)
		return rv > 0 ? 0 : 2;
	if (check)
		return bus_devices_probe(listen) == 0 ? 0 : 1;

	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	bus_devices *devs = NULL;
	if (bus_devices_start(listen, services, &devs) != 0)
		return 1;
	log_kv(LOGL_INFO, NULL, "bus started", "listen", listen, "services", services, NULL);
	int sig = 0;
	sigwait(&sigs, &sig);
	log_kv(LOGL_INFO, NULL, "bus stopping", NULL);
	/*
	 * The bus holds no state, and with nng 1.5 nng_close() on a socket that an
	 * nng_device() is forwarding blocks forever (seen here), so the process ends
	 * at once and the kernel closes every connection.
	 */
	(void)devs;
	_exit(0);
}
