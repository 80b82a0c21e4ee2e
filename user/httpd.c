/*
 * httpd: a small static-file HTTP/1.1 server, an ordinary wasm32-wasi
 * program. `httpd [ROOT]` serves the files beneath ROOT (default /www,
 * a preopened directory) on the first listening socket it was given
 * (`nebulet run --listen=tcp:ADDR:PORT --dir=HOST::/www httpd.wasm`).
 *
 * One thread, one poll() loop over the listener and up to MAX_CONN
 * connections, each non-blocking with its own request and response
 * buffers. GET and HEAD; keep-alive (HTTP/1.1 unless "Connection:
 * close", HTTP/1.0 with "Connection: keep-alive"); pipelined requests
 * are answered in order. Answers 400 to a malformed request, 403 to a
 * path that would escape ROOT (a ".." segment), 404, 405 to any other
 * method; an error answer closes the connection. A connection idle for
 * IDLE_SECONDS is closed. One log line per request on standard error
 * (none with HTTPD_QUIET set, for benchmarks). It builds natively too
 * (bench/net.sh's baseline, a listener at descriptor 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif

#define MAX_CONN 32
#define REQ_MAX 8192   /* request line and headers */
#define OUT_MAX 65536  /* response buffer: headers or a file chunk */
#define PATH_MAX_ 1024 /* ROOT plus the decoded path */
#define IDLE_SECONDS 30

struct conn {
	int fd;		   /* -1: slot free */
	char req[REQ_MAX]; /* bytes received, not yet answered */
	size_t req_len;
	char out[OUT_MAX]; /* bytes to send */
	size_t out_len, out_pos;
	int file;	     /* file being sent, or -1 */
	long long file_left; /* its bytes not yet read into out */
	int keep;	     /* keep the connection after this answer */
	int sending;	     /* an answer is in flight */
	time_t last;	     /* last activity (monotonic seconds) */
};

static struct conn conns[MAX_CONN];
static const char *root = "/www";
static int listener = -1;
static int quiet; /* no log lines (HTTPD_QUIET) */

/* Monotonic seconds. */
static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Whether fd is a listening stream socket: under WASI, any stream
 * socket (preview 1 preopens only listeners); natively (the benchmark's
 * baseline, bench/net.sh) one that accepts. */
static int is_listener(int fd)
{
#ifdef __wasi__
	__wasi_fdstat_t st;

	return __wasi_fd_fdstat_get(fd, &st) == 0 &&
	       st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM;
#else
	int on = 0;
	socklen_t len = sizeof on;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
#endif
}

/* The first descriptor from 3 on that is a listener, or -1. */
static int find_listener(void)
{
	for (int fd = 3; fd < 64; fd++)
		if (is_listener(fd))
			return fd;
	return -1;
}

/* Closes connection c and frees its slot. */
static void conn_close(struct conn *c)
{
	if (c->file >= 0)
		close(c->file);
	close(c->fd);
	c->fd = -1;
	c->file = -1;
}

/* The Content-Type for a file name, by its extension. */
static const char *mime_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html"},	    {".htm", "text/html"},
		{".txt", "text/plain"},	    {".css", "text/css"},
		{".js", "text/javascript"}, {".json", "application/json"},
		{".png", "image/png"},	    {".jpg", "image/jpeg"},
		{".svg", "image/svg+xml"},  {".wasm", "application/wasm"},
		{".c", "text/plain"},	    {".md", "text/plain"},
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* Starts an answer on c: the status line and headers into c->out, then
 * (unless head) the body: text, or the file opened as fd of size bytes.
 * An error answer (status >= 400) closes the connection afterwards. */
static void answer(struct conn *c, int status, const char *type, long long size,
		   int head, const char *text, int fd)
{
	static const char *const reasons[][2] = {
		{"200", "OK"},
		{"400", "Bad Request"},
		{"403", "Forbidden"},
		{"404", "Not Found"},
		{"405", "Method Not Allowed"},
		{"500", "Internal Server Error"},
		{"505", "HTTP Version Not Supported"},
	};
	const char *reason = "Error";
	char code[8];
	int n;

	snprintf(code, sizeof code, "%d", status);
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(code, reasons[i][0]) == 0)
			reason = reasons[i][1];
	if (status >= 400)
		c->keep = 0;
	n = snprintf(c->out, OUT_MAX,
		     "HTTP/1.1 %d %s\r\nServer: nebulet-httpd\r\n"
		     "Content-Type: %s\r\nContent-Length: %lld\r\n%s"
		     "Connection: %s\r\n\r\n",
		     status, reason, type, size,
		     status == 405 ? "Allow: GET, HEAD\r\n" : "",
		     c->keep ? "keep-alive" : "close");
	c->out_len = (size_t)n;
	c->out_pos = 0;
	c->sending = 1;
	if (!head && text != NULL) {
		memcpy(c->out + c->out_len, text, (size_t)size);
		c->out_len += (size_t)size;
	}
	if (!head && fd >= 0) {
		c->file = fd;
		c->file_left = size;
	} else if (fd >= 0) {
		close(fd);
	}
}

/* An error answer with a one-line HTML body. */
static void answer_error(struct conn *c, int status, int head, const char *what)
{
	char body[160];
	int n = snprintf(body, sizeof body,
			 "<html><body><h1>%d %s</h1></body></html>\n", status,
			 what);

	answer(c, status, "text/html", n, head, body, -1);
}

/* Decodes the path of a request target (before any '?') into out, with
 * %XX escapes resolved: 0, or -1 for a malformed target, -2 for one that
 * would leave the root (a ".." segment) or holds a NUL. */
static int decode_path(const char *t, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	if (len == 0 || t[0] != '/')
		return -1;
	for (size_t i = 0; i < len && t[i] != '?' && t[i] != '#'; i++) {
		char ch = t[i];

		if (ch == '%') {
			char hex[3] = {0};
			char *end;

			if (i + 2 >= len)
				return -1;
			hex[0] = t[i + 1];
			hex[1] = t[i + 2];
			ch = (char)strtol(hex, &end, 16);
			if (end != hex + 2)
				return -1;
			i += 2;
		}
		if (ch == '\0')
			return -2;
		if (n + 1 >= cap)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	for (char *s = out; (s = strstr(s, "..")) != NULL; s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return -2;
	return 0;
}

/* The value of header name in the headers hdr (NUL-terminated, after the
 * request line), copied into val: 1 if present, else 0. */
static int header(const char *hdr, const char *name, char *val, size_t cap)
{
	size_t nl = strlen(name);

	for (const char *l = hdr; l && *l; l = strstr(l, "\r\n")) {
		if (l[0] == '\r')
			l += 2;
		if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
			const char *v = l + nl + 1, *e = strstr(v, "\r\n");
			size_t n;

			while (*v == ' ' || *v == '\t')
				v++;
			n = e ? (size_t)(e - v) : strlen(v);
			if (n >= cap)
				n = cap - 1;
			memcpy(val, v, n);
			val[n] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Opens the file for the decoded path p beneath root (a directory's
 * index.html): its descriptor and size, or -1 with errno set. */
static int open_file(const char *p, long long *size, char *full, size_t cap)
{
	struct stat st;
	int fd;

	snprintf(full, cap, "%s%s", root, p);
	if (full[strlen(full) - 1] == '/')
		strncat(full, "index.html", cap - strlen(full) - 1);
	fd = open(full, O_RDONLY);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		strncat(full, "/index.html", cap - strlen(full) - 1);
		fd = open(full, O_RDONLY);
	}
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = ENOENT;
		return -1;
	}
	*size = (long long)st.st_size;
	return fd;
}

/* Answers the request whose head (request line and headers, ended by an
 * empty line) is c->req[0 .. len); logs it. */
static void serve(struct conn *c, char *req, size_t len)
{
	char *sp1, *sp2, *eol, *hdr, path[PATH_MAX_], full[PATH_MAX_ + 16];
	char val[64];
	long long size = 0;
	int head, status, fd, minor;

	req[len - 2] = '\0'; /* the final CRLF: headers end in one CRLF */
	eol = strstr(req, "\r\n");
	hdr = eol ? eol + 2 : req + strlen(req);
	if (eol)
		*eol = '\0';
	sp1 = strchr(req, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	c->keep = 0;
	head = sp1 && (size_t)(sp1 - req) == 4 && memcmp(req, "HEAD", 4) == 0;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1') || sp2[9] != '\0') {
		status = sp2 && strncmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
		answer_error(c, status, 0,
			     status == 400 ? "Bad Request" : "Version");
		fprintf(stderr, "httpd: bad request %d\n", status);
		return;
	}
	minor = sp2[8] - '0';
	*sp1 = *sp2 = '\0';
	if (header(hdr, "Connection", val, sizeof val))
		c->keep = strcasecmp(val, "close") != 0 &&
			  (minor == 1 || strcasecmp(val, "keep-alive") == 0);
	else
		c->keep = minor == 1;
	if ((header(hdr, "Content-Length", val, sizeof val) &&
	     strcmp(val, "0") != 0) ||
	    header(hdr, "Transfer-Encoding", val, sizeof val))
		c->keep = 0; /* a body we do not read: no next request */
	if (strcmp(req, "GET") != 0 && !head) {
		status = 405;
		answer_error(c, status, 0, "Method Not Allowed");
	} else {
		switch (decode_path(sp1 + 1, strlen(sp1 + 1), path,
				    sizeof path)) {
		case -1:
			status = 400;
			answer_error(c, status, head, "Bad Request");
			break;
		case -2:
			status = 403;
			answer_error(c, status, head, "Forbidden");
			break;
		default:
			fd = open_file(path, &size, full, sizeof full);
			status = fd >= 0 ? 200 : 404;
			if (fd >= 0)
				answer(c, 200, mime_type(full), size, head,
				       NULL, fd);
			else
				answer_error(c, 404, head, "Not Found");
		}
	}
	if (!quiet)
		fprintf(stderr, "httpd: %s %s %d %lld\n", req, sp1 + 1, status,
			status == 200 ? size : 0);
}

/* Takes the next complete request out of c->req and starts its answer:
 * 1 if one was started, 0 if more bytes are needed, -1 if the request
 * head is too long (answered 400). */
static int next_request(struct conn *c)
{
	char *end;
	size_t len;

	if (c->sending)
		return 0;
	c->req[c->req_len] = '\0';
	end = strstr(c->req, "\r\n\r\n");
	if (end == NULL) {
		if (c->req_len < REQ_MAX - 1 && strlen(c->req) == c->req_len)
			return 0;
		c->req_len = 0;
		answer_error(c, 400, 0, "Bad Request");
		fprintf(stderr, "httpd: request head too long or NUL\n");
		return -1;
	}
	len = (size_t)(end - c->req) + 4;
	serve(c, c->req, len);
	memmove(c->req, c->req + len, c->req_len - len);
	c->req_len -= len;
	return 1;
}

/* Reads more of c's file into its buffer, after what is there (so that
 * a small answer leaves in one segment: no waiting for the client's
 * delayed ACK); 0, or -1 if the file shrank. */
static int conn_fill(struct conn *c)
{
	ssize_t r;

	if (c->file < 0 || c->file_left <= 0)
		return 0;
	if (c->out_pos == c->out_len)
		c->out_pos = c->out_len = 0;
	if (c->out_len == OUT_MAX)
		return 0;
	r = read(c->file, c->out + c->out_len, OUT_MAX - c->out_len);
	if (r <= 0)
		return -1;
	c->out_len += (size_t)r;
	c->file_left -= r;
	return 0;
}

/* Sends what c has to send until the socket would block or the answer
 * is done; then takes the next request. 0, or -1 when c is to close. */
static int conn_send(struct conn *c)
{
	while (c->sending) {
		if (conn_fill(c) < 0)
			return -1;
		if (c->out_pos == c->out_len) {
			if (c->file >= 0)
				close(c->file);
			c->file = -1;
			c->sending = 0;
			if (!c->keep)
				return -1;
			if (next_request(c) == 0)
				break; /* wait for the next request */
		}
		ssize_t w = send(c->fd, c->out + c->out_pos,
				 c->out_len - c->out_pos, 0);
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->out_pos += (size_t)w;
		c->last = now();
	}
	return 0;
}

/* Reads what the client sent and answers the requests complete in it:
 * 0, or -1 when c is to close. */
static int conn_recv(struct conn *c)
{
	ssize_t r;

	if (c->req_len >= REQ_MAX - 1)
		return 0; /* full until the answers in flight are sent */
	r = recv(c->fd, c->req + c->req_len, REQ_MAX - 1 - c->req_len, 0);
	if (r == 0 || (r < 0 && errno != EAGAIN))
		return -1;
	if (r < 0)
		return 0;
	c->req_len += (size_t)r;
	c->last = now();
	if (next_request(c) == 0)
		return 0;
	return conn_send(c);
}

/* Accepts a waiting connection into a free slot, if there is one. */
static void conn_accept(void)
{
	int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CONN; i++)
		if (conns[i].fd < 0) {
			conns[i].fd = fd;
			conns[i].req_len = 0;
			conns[i].sending = 0;
			conns[i].file = -1;
			conns[i].last = now();
			return;
		}
	close(fd);
}

/* One round of the loop: waits for readiness, then serves it. */
static void serve_round(void)
{
	struct pollfd p[MAX_CONN + 1];
	int who[MAX_CONN + 1], n = 0, live = 0;
	time_t t = now();

	for (int i = 0; i < MAX_CONN; i++) {
		struct conn *c = &conns[i];

		if (c->fd < 0)
			continue;
		if (t - c->last > IDLE_SECONDS) {
			conn_close(c);
			continue;
		}
		live++;
		p[n] = (struct pollfd){c->fd, c->sending ? POLLOUT : POLLIN, 0};
		who[n++] = i;
	}
	if (live < MAX_CONN) {
		p[n] = (struct pollfd){listener, POLLIN, 0};
		who[n++] = -1;
	}
	if (poll(p, (nfds_t)n, 1000) <= 0)
		return;
	for (int k = 0; k < n; k++) {
		struct conn *c = who[k] < 0 ? NULL : &conns[who[k]];
		int r = 0;

		if (p[k].revents == 0)
			continue;
		if (c == NULL)
			conn_accept();
		else if (c->sending)
			r = conn_send(c);
		else
			r = conn_recv(c);
		if (r < 0)
			conn_close(c);
	}
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: httpd [ROOT]\n");
		return 2;
	}
	if (argc == 2)
		root = argv[1];
	quiet = getenv("HTTPD_QUIET") != NULL;
	listener = find_listener();
	if (listener < 0) {
		fprintf(stderr, "httpd: no listening socket (run it with "
				"--listen=tcp:ADDRESS:PORT)\n");
		return 1;
	}
	for (int i = 0; i < MAX_CONN; i++)
		conns[i].fd = conns[i].file = -1;
	fprintf(stderr, "httpd: serving %s on descriptor %d\n", root, listener);
	for (;;)
		serve_round();
}
