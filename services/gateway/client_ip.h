/* The client's address when the gateway sits behind trusted proxies (an ingress). */
#ifndef GATEWAY_CLIENT_IP_H
#define GATEWAY_CLIENT_IP_H

#include <stddef.h>

/*
 * The address to attribute a request to. peer is the TCP peer; trusted a
 * comma-separated list of proxy addresses (GATEWAY_TRUSTED_PROXIES, "" for none);
 * xff the X-Forwarded-For header or NULL. Only when peer is trusted is the header
 * read, right to left, skipping trusted entries: the first other entry that is a
 * valid IPv4/IPv6 address is the client. Anything else (no header, a malformed
 * entry, every entry trusted) falls back to peer, so a client cannot choose the
 * address its rate limits are counted against. An entry of trusted may be a network
 * in CIDR notation (10.0.0.0/8): an ingress's pods change address.
 */
void gw_client_ip(const char *peer, const char *trusted, const char *xff, char *out, size_t len);

/*
 * What per-address limits count against: an IPv4 address as it is (an IPv4-mapped
 * IPv6 address as its IPv4 form), an IPv6 address as its /64 ("2001:db8:1:2::/64"),
 * since one client holds a whole /64. Anything else is copied unchanged.
 */
void gw_client_ip_key(const char *ip, char *out, size_t len);

#endif
