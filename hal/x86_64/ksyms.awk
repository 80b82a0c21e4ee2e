# ksyms.awk: turns `nm -n build/nebulet.elf` into ksyms.S, the kernel's
# table of text symbols (symbols.c looks addresses up in it). The kernel
# is linked twice: first with an empty table (no input), then with the
# table made from that first link; the table lives in .rodata, after all
# text, so no text address moves between the two links.
BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff8/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .rodata"
	print "\t.balign 8"
	print "\t.globl ksym_count"
	print "ksym_count:"
	printf "\t.quad %d\n", n
	print "\t.globl ksym_addr"
	print "ksym_addr:"
	for (i = 0; i < n; i++)
		printf "\t.quad 0x%s\n", addr[i]
	print "\t.globl ksym_name"
	print "ksym_name:"
	for (i = 0; i < n; i++)
		printf "\t.quad .Lksym%d\n", i
	for (i = 0; i < n; i++)
		printf ".Lksym%d:\t.asciz \"%s\"\n", i, name[i]
	print "\t.section .note.GNU-stack, \"\", @progbits"
}
