# The table and the figure records of make bench (called by tool/bench/run), in one pass so that the
# report costs no process per figure.
#
# Input, one row a line:  name|unit|scale|gneiss agg|baseline agg|baseline name|kind|target|text
#   agg: "median min max p10 p90 spread n sample_min rep_round rounds" over the rounds, in ns
#        (us), ps (ns), ns per copy of `scale` bytes (MB/s) or bytes (KiB); "-" where there is none
#   kind: max (ratio <= target), min (ratio >= target), gneiss (Gneiss median <= target, in the
#         figure's unit), -
# Output: the table on stdout; the JSON objects of the figures into the file `json`; "name gneiss
# baseline" medians (in the unit) into `medians`; the verdicts into `summary`:
#   met N / targets N / missed NAME... / unstable NAME...
BEGIN {
	FS = "|"
	fmt = "%-36s %-5s %10s %10s | %-27s %10s %10s | %7s | %-10s %s\n"
	printf fmt, "figure", "unit", "gneiss", "min", "baseline", "median", "min", "ratio",
		"target", "met"
	line = ""
	for (i = 0; i < 134; i++)
		line = line "-"
	print line
	printf "" >json
	printf "" >medians
}

# in UNIT of the value v (ns, ns per copy of s bytes, bytes); "" for none
function in_unit(u, s, v) {
	if (v == "" || v == "-")
		return ""
	if (u == "us" || u == "ns")
		return sprintf("%.3f", v / 1000)
	if (u == "KiB")
		return sprintf("%.1f", v / 1024)
	return v > 0 ? sprintf("%.0f", s * 1000 / v) : ""
}

function num(v) {
	return v == "" || v == "-" ? "null" : v
}

function str(v) {
	gsub(/\\/, "\\\\", v)
	gsub(/"/, "\\\"", v)
	return "\"" v "\""
}

{
	name = $1; unit = $2; scale = $3; bname = $6; kind = $7; tval = $8; text = $9
	split($4, g, " ")
	split($5, b, " ")
	gmed = in_unit(unit, scale, g[1])
	bmed = in_unit(unit, scale, b[1])
	# the minimum of the rounds; for a bandwidth the slowest round, with the largest time
	gmin = in_unit(unit, scale, unit == "MB/s" ? g[3] : g[2])
	bmin = in_unit(unit, scale, unit == "MB/s" ? b[3] : b[2])
	ratio = bmed > 0 ? sprintf("%.3f", gmed / bmed) : ""
	target = "-"; tjson = "null"; met = ""; mjson = "null"
	if (kind != "-") {
		targets++
		if (kind == "max") { target = "<= " tval; ok = ratio != "" && ratio + 0 <= tval + 0 }
		else if (kind == "min") { target = ">= " tval; ok = ratio != "" && ratio + 0 >= tval + 0 }
		else { target = "<= " tval " " unit; ok = gmed + 0 <= tval + 0 }
		tjson = str((kind == "gneiss" ? "gneiss " : "ratio ") target)
		if (ok) { met = "yes"; mjson = "true"; met_count++ }
		else { met = "NO"; mjson = "false"; missed = missed " " name }
	}
	mark = ""
	if ((g[6] != "-" && g[6] > 1.25) || (b[6] != "-" && b[6] > 1.25)) {
		mark = "*"
		unstable = unstable " " name
	}
	printf fmt, name, unit, gmed, gmin, bname, bmed, bmin, ratio mark, target, met
	print name, (gmed == "" ? "?" : gmed), (bmed == "" ? "?" : bmed) >medians
	timed = unit == "us" || unit == "ns"
	printf "%s\n    {\"name\": %s, \"unit\": %s, \"median\": %s, \"min\": %s, \"baseline\": %s, " \
		"\"baseline_median\": %s, \"baseline_min\": %s, \"ratio\": %s, \"target\": %s, " \
		"\"target_met\": %s, \"gneiss\": %s, \"gneiss_p10\": %s, \"gneiss_p90\": %s, " \
		"\"baseline_p10\": %s, \"baseline_p90\": %s, \"gneiss_sample_min\": %s, " \
		"\"baseline_sample_min\": %s, \"gneiss_round_spread\": %s, " \
		"\"baseline_round_spread\": %s, \"gneiss_rounds\": %s, \"baseline_rounds\": %s, " \
		"\"samples\": %s, \"description\": %s}",
		(NR > 1 ? "," : ""), str(name), str(unit), num(gmed), num(gmin), str(bname),
		num(bmed), num(bmin), num(ratio), tjson, mjson, num(gmed),
		num(in_unit(unit, scale, g[4])), num(in_unit(unit, scale, g[5])),
		num(in_unit(unit, scale, b[4])), num(in_unit(unit, scale, b[5])),
		num(timed ? in_unit(unit, scale, g[8]) : ""),
		num(timed ? in_unit(unit, scale, b[8]) : ""), num(g[6]), num(b[6]), num(g[10]),
		num(b[10]), str(g[7] == "-" ? "" : g[7]), str(text) >json
}

END {
	print "met " met_count + 0 >summary
	print "targets " targets + 0 >summary
	print "missed" missed >summary
	print "unstable" unstable >summary
}
