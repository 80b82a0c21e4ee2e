/*
 * lwipopts.h: lwIP's configuration for Nebulet's network service (and
 * the native build under the fuzzer): no operating system (NO_SYS, one
 * thread, the raw API), IPv4 over Ethernet with ARP, DHCP, ICMP, UDP,
 * TCP; memory from lwIP's own static pools, so a flood of frames or
 * connections runs out of pool entries (dropped, refused), never out
 * of the process's memory.
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DNS 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_STATS 0
#define LWIP_CHKSUM_ALGORITHM 3

/* Memory: the heap (pbufs of outgoing data), the pools. */
#define MEM_ALIGNMENT __SIZEOF_POINTER__ /* 4 on wasm32, 8 natively */
#define MEM_SIZE (512 * 1024)
#define MEMP_NUM_PBUF 64
#define MEMP_NUM_RAW_PCB 8
#define MEMP_NUM_UDP_PCB 64
#define MEMP_NUM_TCP_PCB 64
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_TCP_SEG 256
#define MEMP_NUM_ARP_QUEUE 32
#define PBUF_POOL_SIZE 256
#define ARP_TABLE_SIZE 16
#define ARP_QUEUEING 1

/* TCP: windows of 32 segments. */
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (32 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_KEEPALIVE 0

/* Randomness (initial sequence numbers, ports, DHCP transaction ids). */
#include <stdint.h>
uint32_t net_port_rand(void);
#define LWIP_RAND() net_port_rand()

/* The fuzzer's build skips checksum checks, so that garbage reaches
 * the protocols' parsers instead of stopping at the first checksum. */
#ifdef NET_FUZZ
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_ICMP 0
#endif

#endif
