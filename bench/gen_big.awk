# gen_big.awk: writes a C program with N varied functions (loops, switches,
# direct and indirect calls, integer, float and memory work) whose wasm
# build is a large module for the decode+validate benchmark.
#   awk -v N=2000 -f bench/gen_big.awk > big.c
BEGIN {
	if (!N)
		N = 2000
	print "#include <stdio.h>"
	print "typedef long long (*fn)(int *, int, long long);"
	print "extern fn table[];"
	for (i = 0; i < N; i++) {
		printf "__attribute__((noinline)) long long f%d(int *p, int n, long long k)\n{\n", i
		print "\tlong long s = k;\n\tdouble d = (double)k;"
		print "\tfor (int i = 0; i < n; i++) {"
		print "\t\tswitch ((p[i] ^ (int)s) & 7) {"
		printf "\t\tcase 0: s += (long long)p[i] * %d; break;\n", i * 7 + 3
		printf "\t\tcase 1: s ^= (long long)p[i] >> %d; break;\n", i % 13 + 1
		printf "\t\tcase 2: d = d * 1.%d + p[i]; break;\n", i
		printf "\t\tcase 3: s = s / ((p[i] & 15) + 1) + %d; break;\n", i
		if (i > 0)
			printf "\t\tcase 4: s += f%d(p, i / 2, s); break;\n", (i * 31) % i
		printf "\t\tcase 5: s += table[(p[i] & 0x7fffffff) %% %d](p, i / 3, s); break;\n", i + 1
		printf "\t\tcase 6: p[(i + %d) %% n] = (int)(s >> 3); break;\n", i
		print "\t\tdefault: s = (s << 1) | (s >> 63); break;"
		print "\t\t}"
		print "\t}"
		print "\treturn s + (long long)(d * 0.5);"
		print "}"
	}
	print "fn table[] = {"
	for (i = 0; i < N; i++)
		printf "\tf%d,\n", i
	print "};"
	print "int main(void)\n{\n\tint buf[64] = {1, 2, 3};"
	printf "\tprintf(\"%%lld\\n\", f%d(buf, 8, 1));\n", N - 1
	print "\treturn 0;\n}"
}
