/*
 * Contracts: the seven views and their counts (待我签署 …), and the pure rules they and
 * contracts.c share (numbers, labels, whose turn).
 */
#include "contracts.h"

#include <stdio.h>
#include <string.h>

/* ---- pure rules ------------------------------------------------------------------------ */

int certs_contract_turn(const certs_contract_signer *s, size_t n, size_t i, int sequential)
{
	if (i >= n || strcmp(s[i].state, "waiting") != 0)
		return 0;
	for (size_t k = 0; sequential && k < i; k++)
		if (strcmp(s[k].state, "waiting") == 0)
			return 0;
	return 1;
}

int certs_contract_number(const char *day, int seq, char *out, size_t outlen)
{
	if (!day || strlen(day) != 8 || strspn(day, "0123456789") != 8 || seq < 1 || seq > 999999 ||
	    outlen < 17)
		return -1;
	snprintf(out, outlen, "HT%s%06d", day, seq);
	return 0;
}

static const char *label(const char *const (*t)[2], const char *key)
{
	for (; key && (*t)[0]; t++)
		if (strcmp((*t)[0], key) == 0)
			return (*t)[1];
	return "";
}

const char *certs_contract_state_label(const char *state)
{
	static const char *const t[][2] = {
	        {"draft", "草稿"},    {"signing", "签署中"}, {"completed", "已完成"},
	        {"voided", "已作废"}, {"refused", "已拒签"}, {"expired", "已过期"},
	        {NULL, NULL}};
	return label(t, state);
}

const char *certs_contract_signer_label(const char *state)
{
	static const char *const t[][2] = {
	        {"waiting", "待签署"}, {"signed", "已签署"}, {"refused", "已拒签"}, {NULL, NULL}};
	return label(t, state);
}

const char *certs_contract_action_label(const char *action)
{
	static const char *const t[][2] = {
	        {"created", "创建合同"}, {"sent", "发起签署"},      {"viewed", "查看合同"},
	        {"signed", "签署"},      {"refused", "拒签"},       {"voided", "作废"},
	        {"expired", "过期"},     {"completed", "签署完成"}, {NULL, NULL}};
	return label(t, action);
}

int certs_contract_view_valid(const char *view)
{
	static const char *const v[] = {"to_me",     "to_others", "completed", "voided",
	                                "initiated", "drafts",    "expiring"};
	for (size_t i = 0; view && i < sizeof v / sizeof v[0]; i++)
		if (strcmp(view, v[i]) == 0)
			return 1;
	return 0;
}
