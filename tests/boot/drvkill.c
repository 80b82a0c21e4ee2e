/*
 * drvkill.c: the wasm UART driver killed and restarted while a client
 * writes (tests/boot.sh). Runs as a --kernel init holding COM2's port
 * range and interrupt (startup handles 1, 2; the boot channel 0 carries
 * uart16550.wasm): it starts the driver with duplicates of both and a
 * listener, connects to it as a Console client and writes "line N" for
 * N = 1..30, killing the driver before lines 11 and 21. After each kill
 * (waited for: status 137) the next write fails with PEER_CLOSED; it
 * then restarts the driver on the same device objects, reconnects and
 * writes the line again: COM2 must show every line once, in order.
 * Prints PASS/FAIL lines and "done".
 */
#include "console.h"
#include "directory.h"
#include "kt.h"

static nb_handle io, irq;
static unsigned char *image;
static uint32_t image_len;

/* Starts the driver on duplicates of the device handles and connects;
 * *proc gets the process, the result is the Console channel (0 on
 * failure). */
static nb_handle start(nb_handle *proc)
{
	static listener_connect_req req;
	nb_handle h[3], mine, client;

	if (nb_channel_create(&mine, &h[2]) ||
	    nb_handle_duplicate(io, NB_RIGHT_SAME_RIGHTS, &h[0]) ||
	    nb_handle_duplicate(irq, NB_RIGHT_SAME_RIGHTS, &h[1]) ||
	    nb_process_create(image, image_len, h, 3, proc) ||
	    nb_channel_create(&client, &req.channel) ||
	    listener_connect(mine, &req))
		return 0;
	nb_handle_close(mine);
	return client;
}

/* Writes s; the status. */
static nb_status put(nb_handle ch, const char *s)
{
	static console_write_req req;
	console_write_resp resp;

	req.data.len = (uint32_t)strlen(s);
	memcpy(req.data.b, s, req.data.len);
	return console_write(ch, &req, &resp);
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0), proc, ch;
	char line[32];
	int32_t code = 0;
	int restarts = 0, failed_lines = 0;

	io = nb_startup_handle(1);
	irq = nb_startup_handle(2);
	image = nb_boot_read(boot, &image_len, NULL);
	EXPECT("handles and image", io && irq && image, 1);
	EXPECT("driver starts", (ch = start(&proc)) != 0, 1);
	for (int n = 1; n <= 30; n++) {
		snprintf(line, sizeof line, "line %d\n", n);
		if (n == 11 || n == 21) {
			nb_process_kill(proc);
			nb_object_wait_one(proc, NB_SIGNAL_TERMINATED,
					   NB_TIME_INFINITE, NULL);
			nb_process_status(proc, &code);
			EXPECT("driver killed", code, NB_EXIT_KILLED);
			EXPECT("write to the dead driver", put(ch, line),
			       NB_ERR_PEER_CLOSED);
			nb_handle_close(ch);
			nb_handle_close(proc);
			EXPECT("driver restarts on the same objects",
			       (ch = start(&proc)) != 0, 1);
			restarts++;
		}
		failed_lines += put(ch, line) != NB_OK;
	}
	EXPECT("every line acknowledged", failed_lines, 0);
	EXPECT("restarts", restarts, 2);
	nb_handle_close(ch);
	nb_object_wait_one(proc, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	nb_process_status(proc, &code);
	EXPECT("last driver ends when its client goes", code, 0);
	printf("done\n");
	return kt_failed != 0;
}
