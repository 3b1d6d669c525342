# The plots of make bench (gnuplot, called by tool/bench/run with dir='build/bench'). The data files
# in dir/plot are written by the driver from the figures of the same run; "?" marks a value that
# was not taken (e.g. payload sizes measured on the same core only).
if (!exists("dir")) dir = 'build/bench'
if (!exists("cross")) cross = 1
d = dir . '/plot/'
set datafile missing '?'
set terminal pngcairo size 900,600 noenhanced font ',10'
set grid
set key right bottom opaque box

# ---- latency distributions: percentile over latency ----------------------------------------------
set ylabel 'percentile of single round trips'
set xlabel 'round-trip time (us, log scale)'
set logscale x
set yrange [0:100]
set output dir . '/rpc_latency_cdf_same.png'
set title 'Empty RPC round trip, same core: distribution (representative round)'
plot d.'rpc_cdf_same.dat' using 2:1 with lines lw 2 title 'Gneiss RPC', \
     '' using 3:1 with lines lw 2 title 'SOCK_SEQPACKET ping-pong', \
     '' using 4:1 with lines lw 2 title 'reply socketpair per call (base-linux)'
if (cross) {
	set output dir . '/rpc_latency_cdf_cross.png'
	set title 'Empty RPC round trip, cross core: distribution (representative round)'
	plot d.'rpc_cdf_cross.dat' using 2:1 with lines lw 2 title 'Gneiss RPC', \
	     '' using 3:1 with lines lw 2 title 'SOCK_SEQPACKET ping-pong', \
	     '' using 4:1 with lines lw 2 title 'reply socketpair per call (base-linux)'
}
set output dir . '/signal_latency_cdf.png'
set title 'Signal delivery latency: submit to handler in another thread'
set ylabel 'percentile of deliveries'
set xlabel 'latency (us, log scale)'
plot d.'signal_cdf.dat' using 2:1 with lines lw 2 title 'Gneiss signal, same core', \
     '' using 3:1 with lines lw 2 title 'futex wake, same core', \
     '' using 4:1 with lines lw 2 dt 2 title 'Gneiss signal, cross core', \
     '' using 5:1 with lines lw 2 dt 2 title 'futex wake, cross core'
unset yrange
set key left top opaque box

# ---- cost over work ------------------------------------------------------------------------------
set output dir . '/rpc_vs_payload.png'
set title 'RPC round trip over the payload (each way; 1 byte = empty argument)'
set xlabel 'payload (bytes, log scale)'
set ylabel 'round trip (us, median of rounds)'
set logscale x 2
set yrange [0:*]
plot d.'rpc_payload.dat' using 1:2 with linespoints lw 2 title 'Gneiss, same core', \
     '' using 1:3 with linespoints lw 2 title 'SOCK_SEQPACKET, same core', \
     '' using 1:4 with linespoints lw 2 dt 2 title 'Gneiss, cross core', \
     '' using 1:5 with linespoints lw 2 dt 2 title 'SOCK_SEQPACKET, cross core'
unset logscale x

set output dir . '/rpc_vs_caps.png'
set title 'RPC round trip over the capabilities per request (8-byte argument)'
set xlabel 'capabilities (SCM_RIGHTS descriptors) with the request'
set xrange [-0.2:4.2]
plot d.'rpc_caps.dat' using 1:2 with linespoints lw 2 title 'Gneiss, same core', \
     '' using 1:3 with linespoints lw 2 title 'SOCK_SEQPACKET + fds, same core', \
     '' using 1:4 with linespoints lw 2 dt 2 title 'Gneiss, cross core', \
     '' using 1:5 with linespoints lw 2 dt 2 title 'SOCK_SEQPACKET + fds, cross core'
unset xrange
unset yrange

set output dir . '/attach_vs_size.png'
set title 'Allocate + attach a dataspace over its size'
set xlabel 'size (bytes, log scale)'
set ylabel 'time (us, log scale)'
set logscale xy
plot d.'attach.dat' using 1:2 with linespoints lw 2 title 'Gneiss: PD alloc_ram + attach', \
     '' using 1:3 with linespoints lw 2 title 'memfd_create + ftruncate + mmap(MAP_POPULATE)'
unset logscale

set output dir . '/scale_start.png'
set title 'Starting N components until all of them run'
set xlabel 'components'
set ylabel 'time (ms)'
set logscale x
set yrange [0:*]
plot d.'scale.dat' using 1:($2/1000) with linespoints lw 2 title 'Gneiss: core boot, init, N children to first log line', \
     '' using 1:($3/1000) with linespoints lw 2 title 'N sandboxed clone+namespaces+seccomp+exec, all alive'

set output dir . '/scale_memory.png'
set title "Core's and init's resident memory with N children (over 64: init starts sub-inits of 20)"
set ylabel 'VmRSS (KiB)'
plot d.'scale.dat' using 1:($4/1024) with linespoints lw 2 title 'core (both processes)', \
     '' using 1:($5/1024) with linespoints lw 2 title 'init (with its sub-inits)'
