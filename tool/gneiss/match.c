/*
 * Log matching. The matcher only moves forward: next_expect never decreases, and once rejected it
 * ignores further lines, so the state it reports can be trusted at any point of the run.
 */
#include "match.h"

void gn_match_init(gn_match_t *m, gn_scenario_t const *sc)
{
	*m = (gn_match_t){.sc = sc};
	m->state = gn_match_awaited(m) ? GN_MATCH_AWAITING : GN_MATCH_ALL_SEEN;
}

gn_match_state_t gn_match_line(gn_match_t *m, char const *line)
{
	gn_scenario_t const *sc = m->sc;

	if (m->state == GN_MATCH_REJECTED)
		return m->state;
	m->lines++;
	for (size_t i = 0; i < sc->reject_count; i++) {
		if (regexec(&sc->rejects[i].re, line, 0, NULL, 0) == 0) {
			m->rejected_by = &sc->rejects[i];
			m->rejected_at = m->lines;
			m->state = GN_MATCH_REJECTED;
			return m->state;
		}
	}
	if (m->next_expect < sc->expect_count &&
		regexec(&sc->expects[m->next_expect].re, line, 0, NULL, 0) == 0)
		m->next_expect++;
	else
		for (size_t i = 0; i < sc->also_count; i++)
			if (!(m->alsos_seen & (1ull << i)) &&
				regexec(&sc->alsos[i].re, line, 0, NULL, 0) == 0) {
				m->alsos_seen |= 1ull << i;
				break;
			}
	if (!gn_match_awaited(m))
		m->state = GN_MATCH_ALL_SEEN;
	return m->state;
}

gn_pattern_t const *gn_match_awaited(gn_match_t const *m)
{
	if (m->next_expect < m->sc->expect_count)
		return &m->sc->expects[m->next_expect];
	for (size_t i = 0; i < m->sc->also_count; i++)
		if (!(m->alsos_seen & (1ull << i)))
			return &m->sc->alsos[i];
	return NULL;
}
