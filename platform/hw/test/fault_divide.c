/* hw-fault-divide: divides by zero (in assembly, so the compiler cannot remove it). */
#include "user.h"

int main(void)
{
	uint64_t a = 1, d = 0, zero = 0;

	out("dividing by zero");
	__asm__ volatile("divq %2" : "+a"(a), "+d"(d) : "r"(zero));
	return (int)a;
}
