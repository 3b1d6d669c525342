# Gneiss build. Out of tree: build/<platform>/ for components and core, build/host/ for host tools
# and unit tests, build/fuzz/ for libFuzzer targets, build/test/ for test results.
#
# Platform files replace generic ones by name: platform/<p>/lib/foo.c replaces lib/base/foo.c.

PLATFORM ?= linux
BUILD := build
BP := $(BUILD)/$(PLATFORM)
BH := $(BUILD)/host
BF := $(BUILD)/fuzz

CC := gcc
# `make V=1` shows the commands; by default one short line per file.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif
FUZZ_CC := clang

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
INCLUDES := -Iinclude -Ilib/base/include -Iplatform/$(PLATFORM)/include

# Components and core: freestanding, static, no libc. Loop idioms must not turn into calls of the
# very memset/memcpy that implement them.
FS_CFLAGS := $(WARN) $(INCLUDES) -O2 -g -ffreestanding -fno-builtin -fno-stack-protector \
	-fno-pie -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-fno-common -fstack-clash-protection -MMD -MP
FS_LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-z,noexecstack -Wl,--build-id=none

# Host tools and unit tests: libc, AddressSanitizer and UBSan.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := $(WARN) $(INCLUDES) -O1 -g $(SAN) -D_GNU_SOURCE -MMD -MP
HOST_LDFLAGS := $(SAN)
TOOL_CFLAGS := $(WARN) $(INCLUDES) -O2 -g -D_GNU_SOURCE -MMD -MP

FUZZ_OBJ_CFLAGS := -std=c11 -Wall -Wextra -Werror $(INCLUDES) -O1 -g -D_GNU_SOURCE -MMD -MP \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(subst fuzzer-no-link,fuzzer,$(FUZZ_OBJ_CFLAGS))

# ---- the base library --------------------------------------------------------------------------
LIB_GENERIC := $(wildcard lib/base/*.c)
# Child management (init's sandbox) runs only inside components: it is not built for the host.
LIB_SANDBOX := $(wildcard lib/sandbox/*.c)
LIB_PLATFORM := $(wildcard platform/$(PLATFORM)/lib/*.c platform/$(PLATFORM)/lib/*.S)
LIB_FS_SRC := $(filter-out $(addprefix lib/base/,$(notdir $(LIB_PLATFORM:.S=.c))),$(LIB_GENERIC)) \
	$(LIB_PLATFORM) $(LIB_SANDBOX) $(wildcard lib/freestanding/*.c)
LIB_FS_OBJ := $(patsubst %,$(BP)/obj/%.o,$(LIB_FS_SRC))
LIB_FS := $(BP)/lib/libgneiss.a

LIB_HOST_OBJ := $(patsubst %,$(BH)/obj/%.o,$(LIB_GENERIC))
LIB_HOST := $(BH)/lib/libgneiss.a

# ---- components: os/<name>/*.c and core ----------------------------------------------------------
COMPONENTS := $(notdir $(patsubst %/,%,$(dir $(wildcard os/*/main.c))))
COMPONENT_BINS := $(addprefix $(BP)/bin/,$(COMPONENTS))
CORE_SRC := $(wildcard core/*.c platform/$(PLATFORM)/core/*.c)
CORE_BIN := $(if $(CORE_SRC),$(BP)/bin/core)
TEST_COMPONENTS := $(notdir $(patsubst %/,%,$(dir $(wildcard test/component/*/main.c))))
TEST_COMPONENT_BINS := $(addprefix $(BP)/bin/,$(TEST_COMPONENTS))

# ---- host tools: tool/<name>/*.c -----------------------------------------------------------------
TOOLS := $(notdir $(patsubst %/,%,$(dir $(wildcard tool/*/main.c))))
TOOL_BINS := $(addprefix $(BH)/bin/,$(TOOLS))

# ---- unit tests and fuzz targets -----------------------------------------------------------------
UNIT_SRC := $(wildcard test/unit/test_*.c)
UNIT_BINS := $(patsubst test/unit/%.c,$(BH)/test/%,$(UNIT_SRC))
UNIT_SUPPORT := $(filter-out $(UNIT_SRC),$(wildcard test/unit/*.c))
FUZZ_SRC := $(wildcard test/fuzz/*.c)
FUZZ_BINS := $(patsubst test/fuzz/%.c,$(BF)/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60

.PHONY: all deps run test check unit fuzz fuzz-build bench soak clean demo FORCE
.DELETE_ON_ERROR:

# PLATFORM=hw builds no components yet: only the hw kernel (below) and the host tools.
all: $(if $(filter hw,$(PLATFORM)),,$(LIB_FS) $(CORE_BIN) $(COMPONENT_BINS) $(TEST_COMPONENT_BINS)) \
	$(TOOL_BINS)

deps:
	@tool/install-deps

# ---- rules ---------------------------------------------------------------------------------------
# Objects depend on a stamp of the flags they were built with, so changing a flag rebuilds them.
define flags_stamp
$(1): FORCE
	@mkdir -p $$(dir $$@)
	@echo '$(2)' | cmp -s - $$@ 2>/dev/null || echo '$(2)' >$$@
endef
$(eval $(call flags_stamp,$(BP)/flags,$(FS_CFLAGS) $(FS_LDFLAGS)))
$(eval $(call flags_stamp,$(BH)/flags,$(HOST_CFLAGS) $(TOOL_CFLAGS) $(HOST_LDFLAGS)))
$(eval $(call flags_stamp,$(BF)/flags,$(FUZZ_OBJ_CFLAGS) $(FUZZ_CFLAGS)))
FORCE:

# The hw kernel, built whatever PLATFORM is (`make hw` builds only it).
include platform/hw/kernel.mk
all: $(HW_KERNEL)

$(BP)/obj/%.c.o: %.c $(BP)/flags
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(FS_CFLAGS) -c $< -o $@

$(BP)/obj/%.S.o: %.S $(BP)/flags
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(FS_CFLAGS) -c $< -o $@

$(BH)/obj/%.c.o: %.c $(BH)/flags
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BH)/tool-obj/%.c.o: %.c $(BH)/flags
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) -c $< -o $@

$(LIB_FS): $(LIB_FS_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIB_HOST): $(LIB_HOST_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# A component: its own sources plus the library, the platform's start code first.
define component_rule
$(BP)/bin/$(notdir $(1)): $(patsubst %,$(BP)/obj/%.o,$(wildcard $(1)/*.c)) $(LIB_FS)
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)
	$(Q)$(CC) $(FS_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB_FS) -lgcc
endef
$(foreach c,$(addprefix os/,$(COMPONENTS)) $(addprefix test/component/,$(TEST_COMPONENTS)),\
	$(eval $(call component_rule,$(c))))

$(BP)/obj/test/component/%: FS_CFLAGS += -Itest/component/include

# The seccomp filter and the system-call names are generated from platform/linux/seccomp/policy.h.
GEN := $(BP)/gen
$(GEN)/seccomp_filter.h: $(BH)/bin/seccomp-gen platform/linux/seccomp/policy.h
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)$(BH)/bin/seccomp-gen $@
$(GEN)/syscall_names.h: $(BH)/bin/seccomp-gen
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)$(BH)/bin/seccomp-gen --names $@
GENERATED := $(if $(wildcard tool/seccomp-gen/main.c),$(GEN)/seccomp_filter.h $(GEN)/syscall_names.h)
$(patsubst %,$(BP)/obj/%.o,$(CORE_SRC)): $(GENERATED)
$(patsubst %,$(BP)/obj/%.o,$(CORE_SRC)): FS_CFLAGS += -I$(GEN)
$(BH)/obj/test/unit/test_seccomp.c.o: $(GEN)/seccomp_filter.h
$(BH)/obj/test/unit/test_seccomp.c.o: HOST_CFLAGS += -I$(GEN)

ifneq ($(CORE_SRC),)
$(CORE_BIN): $(patsubst %,$(BP)/obj/%.o,$(CORE_SRC)) $(LIB_FS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(FS_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_FS) -lgcc
endif

# Host tools link the generic library sources compiled for the host, without sanitizers.
TOOL_LIB_OBJ := $(patsubst %,$(BH)/tool-obj/%.o,$(LIB_GENERIC))
$(BH)/lib/libgneiss-tool.a: $(TOOL_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

define tool_rule
$(BH)/bin/$(1): $(patsubst %,$(BH)/tool-obj/%.o,$(wildcard tool/$(1)/*.c)) $(BH)/lib/libgneiss-tool.a
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)
	$(Q)$(CC) -o $$@ $$^
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

UNIT_SUPPORT_OBJ := $(patsubst %,$(BH)/obj/%.o,$(UNIT_SUPPORT))
$(BH)/test/%: $(BH)/obj/test/unit/%.c.o $(UNIT_SUPPORT_OBJ) $(LIB_HOST)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_HOST) -lcmocka

# Unit tests of a component's pure logic link that file as well; test_trace_tool links the trace
# tool's files but its main.c.
$(BH)/test/test_rom_filter: $(BH)/obj/os/rom_filter/filter.c.o
$(BH)/test/test_ps2_scancode: $(BH)/obj/os/ps2/scancode.c.o
$(BH)/test/test_uart_16550: $(BH)/obj/os/uart/uart16550.c.o
$(BH)/test/test_trace_tool: $(patsubst %,$(BH)/obj/%.o,$(filter-out tool/trace/main.c,\
	$(wildcard tool/trace/*.c)))

FUZZ_LIB_OBJ := $(patsubst %,$(BF)/obj/%.o,$(LIB_GENERIC))
$(BF)/obj/%.c.o: %.c $(BF)/flags
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_OBJ_CFLAGS) -c $< -o $@

$(BF)/lib/libgneiss.a: $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BF)/%: test/fuzz/%.c $(BF)/lib/libgneiss.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(BF)/lib/libgneiss.a

# ---- user-facing targets -------------------------------------------------------------------------
unit: $(UNIT_BINS)
fuzz-build: $(FUZZ_BINS)

# Runs every fuzz target for FUZZ_SECONDS, growing its corpus in build/fuzz/ (seeds stay in the tree).
fuzz: deps $(FUZZ_BINS)
	@for t in $(FUZZ_BINS); do \
		name=$$(basename $$t); mkdir -p $(BF)/corpus/$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BF)/$$name- $(BF)/corpus/$$name test/fuzz/corpus/$$name \
			|| exit 1; \
	done

check: deps
	@tool/check

# Every platform's column of the matrix; a scenario runs where tool/test/applies allows.
TEST_PLATFORMS ?= linux hw
test: deps
	@$(MAKE) --no-print-directory all unit fuzz-build
	@$(MAKE) --no-print-directory check
	@tool/test/suite --platform "$(TEST_PLATFORMS)"

# The demo scenario: core, init and several components on the linux platform.
DEMO ?= test/scenario/demo
run: deps
	@$(MAKE) --no-print-directory all
	@$(BH)/bin/gneiss run --platform $(PLATFORM) $(DEMO)

# Gneiss figures beside the raw Linux baseline of the same run, as ratios (build/bench/results.json).
bench: deps
	@$(MAKE) --no-print-directory all
	@tool/bench/run

# The churn soak: thousands of start/kill cycles; core's and init's memory and descriptors must
# stay flat (SOAK_CYCLES, default 10000).
soak: deps
	@$(MAKE) --no-print-directory all
	@tool/soak/run

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
