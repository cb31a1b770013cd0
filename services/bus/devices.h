/* The bus's nng devices (see devices.c). */
#ifndef BUS_DEVICES_H
#define BUS_DEVICES_H

typedef struct bus_devices bus_devices;

/* Listens on every endpoint of base for the events forwarder and one queue per
 * service in the comma-separated list (empty: every service of bus_services), and
 * starts a thread per device.
 * 0 with *out (stop with bus_devices_stop), or -1 (logged). */
int bus_devices_start(const char *base, const char *services, bus_devices **out);
/* 0 when a bus is listening on base. */
int bus_devices_probe(const char *base);

#endif
