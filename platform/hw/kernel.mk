# The hw platform's kernel, included by the top-level Makefile and built by `make all` (or `make hw`)
# whatever PLATFORM is: build/hw/kernel.elf (ELF64, for gdb) and build/hw/kernel.elf32, the same
# image as ELF32 for QEMU's -kernel, which loads only 32-bit multiboot ELFs; and the user test
# programs of platform/hw/test/ in build/hw/bin/, which hw scenarios list as binaries. The kernel links the
# freestanding parts of lib/base it needs (formatting, strings, the bitmap allocator) compiled with
# the kernel's own flags: no red zone and no SSE (interrupts and exceptions arrive on the kernel
# stack, and nothing saves vector registers), code model kernel (linked in the top 2 GiB).

HW_OUT := $(BUILD)/hw
HW_KDIR := platform/hw/kernel
HW_KERNEL_SRC := $(wildcard $(HW_KDIR)/*.c $(HW_KDIR)/*.S)
HW_KERNEL_LIB := lib/base/fmt.c lib/base/string.c lib/base/bitmap.c lib/base/error.c lib/freestanding/compiler_mem.c
HW_KERNEL_OBJ := $(patsubst %,$(HW_OUT)/kobj/%.o,$(HW_KERNEL_SRC) $(HW_KERNEL_LIB))
HW_KERNEL := $(HW_OUT)/kernel.elf32

HW_KCFLAGS := $(WARN) -Iinclude -Iplatform/hw/include -I$(HW_KDIR) -O2 -g -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mgeneral-regs-only -mcmodel=kernel \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fno-common \
	-fno-omit-frame-pointer -MMD -MP
HW_KLDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(HW_KDIR)/kernel.ld -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

$(eval $(call flags_stamp,$(HW_OUT)/kflags,$(HW_KCFLAGS) $(HW_KLDFLAGS)))

# User test programs: static ELF64 for the kernel's protection domains, freestanding, with the
# kernel's flags but the default code model, linked at 4 MiB (test/user.ld) with the runtime of
# test/lib/ and lib/base's formatting. Each test/<name>.c becomes build/hw/bin/hw-<name> with
# underscores as dashes; spin.c becomes hw-spin-a and hw-spin-b, two modules of one program.
HW_TDIR := platform/hw/test
HW_UCFLAGS := $(WARN) -Iinclude -Iplatform/hw/include -I$(HW_TDIR)/lib -O2 -g -ffreestanding \
	-fno-builtin -fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mgeneral-regs-only \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fno-common -MMD -MP
HW_ULDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(HW_TDIR)/user.ld -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--gc-sections
HW_ULIB_SRC := $(wildcard $(HW_TDIR)/lib/*.c $(HW_TDIR)/lib/*.S) lib/base/fmt.c lib/base/string.c \
	lib/freestanding/compiler_mem.c
HW_ULIB_OBJ := $(patsubst %,$(HW_OUT)/uobj/%.o,$(HW_ULIB_SRC))
HW_UPROGS := $(filter-out spin rt_%,$(basename $(notdir $(wildcard $(HW_TDIR)/*.c))))
HW_UBINS := $(patsubst %,$(HW_OUT)/bin/hw-%,$(subst _,-,$(HW_UPROGS)) spin-a spin-b)

$(eval $(call flags_stamp,$(HW_OUT)/uflags,$(HW_UCFLAGS) $(HW_ULDFLAGS)))

$(HW_OUT)/uobj/%.c.o: %.c $(HW_OUT)/uflags
	@mkdir -p $(dir $@)
	$(call say,UCC,$<)
	$(Q)$(CC) $(HW_UCFLAGS) -c $< -o $@

$(HW_OUT)/uobj/%.S.o: %.S $(HW_OUT)/uflags
	@mkdir -p $(dir $@)
	$(call say,UAS,$<)
	$(Q)$(CC) $(HW_UCFLAGS) -c $< -o $@

define hw_user_rule
$(HW_OUT)/bin/$(1): $(HW_OUT)/uobj/$(HW_TDIR)/$(2).c.o $(HW_ULIB_OBJ) $(HW_TDIR)/user.ld
	@mkdir -p $$(dir $$@)
	$$(call say,ULD,$$@)
	$(Q)$(CC) $(HW_ULDFLAGS) -o $$@ $$(filter %.o,$$^)
endef
$(foreach p,$(HW_UPROGS),$(eval $(call hw_user_rule,hw-$(subst _,-,$(p)),$(p))))
$(eval $(call hw_user_rule,hw-spin-a,spin))
$(eval $(call hw_user_rule,hw-spin-b,spin))

.PHONY: hw
hw: $(HW_KERNEL) $(HW_UBINS)
all: $(HW_UBINS)

$(HW_OUT)/kobj/%.c.o: %.c $(HW_OUT)/kflags
	@mkdir -p $(dir $@)
	$(call say,KCC,$<)
	$(Q)$(CC) $(HW_KCFLAGS) -c $< -o $@

$(HW_OUT)/kobj/%.S.o: %.S $(HW_OUT)/kflags
	@mkdir -p $(dir $@)
	$(call say,KAS,$<)
	$(Q)$(CC) $(HW_KCFLAGS) -c $< -o $@

$(HW_OUT)/kernel.elf: $(HW_KERNEL_OBJ) $(HW_KDIR)/kernel.ld
	$(call say,KLD,$@)
	$(Q)$(CC) $(HW_KLDFLAGS) -o $@ $(HW_KERNEL_OBJ)

$(HW_KERNEL): $(HW_OUT)/kernel.elf
	$(call say,OBJCOPY,$@)
	$(Q)objcopy -O elf32-i386 $< $@

# Host unit tests of the kernel's pure parts (test/unit/test_hw_kernel.c: boot information and
# frames; test/unit/test_hw_user.c: ELF, page tables, loading, memory-object mappings, scheduling;
# test/unit/test_hw_cap.c: capability spaces, minting, message transfer, UTCBs;
# test/unit/test_hw_devices.c: ACPI tables, I/O port and device memory ranges) and the fuzz
# targets of the boot-information parser
# (test/fuzz/hw_multiboot.c), the ACPI reader (test/fuzz/hw_acpi.c), the ELF checks and loader (test/fuzz/hw_elf.c) and capability spaces
# with message transfer (test/fuzz/hw_cap.c) link those files, built for the host.
HW_KERNEL_PURE := multiboot.c frame.c elf.c pt.c load.c sched.c cap.c msg.c utcb.c mapping.c \
	acpi.c port_range.c device_range.c
$(BH)/test/test_hw_kernel $(BH)/test/test_hw_user $(BH)/test/test_hw_cap \
	$(BH)/test/test_hw_devices: \
	$(patsubst %,$(BH)/obj/$(HW_KDIR)/%.o,$(HW_KERNEL_PURE))
$(BH)/obj/test/unit/test_hw_kernel.c.o $(BH)/obj/test/unit/test_hw_user.c.o \
	$(BH)/obj/test/unit/test_hw_cap.c.o \
	$(BH)/obj/test/unit/test_hw_devices.c.o: HOST_CFLAGS += -I$(HW_KDIR) -Iplatform/hw/include
$(patsubst %,$(BH)/obj/$(HW_KDIR)/%.o,$(HW_KERNEL_PURE)): HOST_CFLAGS += -Iplatform/hw/include
$(patsubst %,$(BF)/obj/$(HW_KDIR)/%.o,$(HW_KERNEL_PURE)): FUZZ_OBJ_CFLAGS += -Iplatform/hw/include
$(BF)/hw_multiboot: test/fuzz/hw_multiboot.c $(patsubst %,$(BF)/obj/$(HW_KDIR)/%.o,multiboot.c frame.c) \
		$(BF)/lib/libgneiss.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(HW_KDIR) -o $@ $< $(filter %.o,$^) $(BF)/lib/libgneiss.a
$(BF)/hw_cap: test/fuzz/hw_cap.c $(patsubst %,$(BF)/obj/$(HW_KDIR)/%.o,cap.c msg.c) \
		$(BF)/lib/libgneiss.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(HW_KDIR) -Iplatform/hw/include -o $@ $< $(filter %.o,$^) \
		$(BF)/lib/libgneiss.a
$(BF)/hw_acpi: test/fuzz/hw_acpi.c $(patsubst %,$(BF)/obj/$(HW_KDIR)/%.o,acpi.c) \
		$(BF)/lib/libgneiss.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(HW_KDIR) -Iplatform/hw/include -o $@ $< $(filter %.o,$^) \
		$(BF)/lib/libgneiss.a
$(BF)/hw_elf: test/fuzz/hw_elf.c $(patsubst %,$(BF)/obj/$(HW_KDIR)/%.o,elf.c pt.c load.c) \
		$(BF)/lib/libgneiss.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(HW_KDIR) -Iplatform/hw/include -o $@ $< $(filter %.o,$^) \
		$(BF)/lib/libgneiss.a

# ---- the component runtime (platform/hw/lib; see "The component runtime" in README.md) ----------
# lib/base built with the user programs' flags plus platform/hw/lib, whose files replace lib/base's
# of the same name (trace.c), as a static library: a program takes only the members it
# needs. Each test/rt_<name>.c (kept out of HW_UPROGS above: it does not use test/lib) becomes
# build/hw/bin/hw-rt-<name>, linked with user.ld, the runtime's start code first.
HW_RDIR := platform/hw/lib
HW_RCFLAGS := $(filter-out -I$(HW_TDIR)/lib,$(HW_UCFLAGS)) -Ilib/base/include -I$(HW_RDIR)
HW_RT_PLATFORM := $(wildcard $(HW_RDIR)/*.c $(HW_RDIR)/*.S)
HW_RT_SRC := $(filter-out $(addprefix lib/base/,$(notdir $(HW_RT_PLATFORM:.S=.c))), \
	$(wildcard lib/base/*.c)) $(HW_RT_PLATFORM) lib/freestanding/compiler_mem.c
HW_RT_START := $(HW_OUT)/robj/$(HW_RDIR)/start.S.o
HW_RT_OBJ := $(filter-out $(HW_RT_START),$(patsubst %,$(HW_OUT)/robj/%.o,$(HW_RT_SRC)))
HW_RT_LIB := $(HW_OUT)/lib/libgneiss-rt.a
HW_RT_PROGS := $(basename $(notdir $(wildcard $(HW_TDIR)/rt_*.c)))
HW_RT_BINS := $(patsubst %,$(HW_OUT)/bin/hw-%,$(subst _,-,$(HW_RT_PROGS)))

$(eval $(call flags_stamp,$(HW_OUT)/rflags,$(HW_RCFLAGS) $(HW_ULDFLAGS)))

$(HW_OUT)/robj/%.c.o: %.c $(HW_OUT)/rflags
	@mkdir -p $(dir $@)
	$(call say,RCC,$<)
	$(Q)$(CC) $(HW_RCFLAGS) -c $< -o $@

$(HW_OUT)/robj/%.S.o: %.S $(HW_OUT)/rflags
	@mkdir -p $(dir $@)
	$(call say,RAS,$<)
	$(Q)$(CC) $(HW_RCFLAGS) -c $< -o $@

$(HW_RT_LIB): $(HW_RT_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

define hw_rt_rule
$(HW_OUT)/bin/$(1): $(HW_RT_START) $(HW_OUT)/robj/$(HW_TDIR)/$(2).c.o $(HW_RT_LIB) $(HW_TDIR)/user.ld
	@mkdir -p $$(dir $$@)
	$$(call say,RLD,$$@)
	$(Q)$(CC) $(HW_ULDFLAGS) -o $$@ $(HW_RT_START) $(HW_OUT)/robj/$(HW_TDIR)/$(2).c.o \
		$(HW_RT_LIB) -lgcc
endef
$(foreach p,$(HW_RT_PROGS),$(eval $(call hw_rt_rule,hw-$(subst _,-,$(p)),$(p))))

hw: $(HW_RT_BINS)
all: $(HW_RT_BINS)
# ---- end of the component runtime ------------------------------------------------------------

# ---- core and the components on hw (platform/hw/core; "core on hw" in README.md) ---------------
# core/*.c with platform/hw/core/*.c and the kernel's ELF reader (pure, see elf.h), and every
# component of os/ and test/component/ that is not linux-specific, each linked like the runtime's
# programs: start.S first, then its objects, lib/sandbox and the runtime library. A component has
# no main(): the runtime's component_start.c provides it. build/hw/bin/ then holds the same names
# as build/linux/bin/, so a scenario's binaries line means the same on both platforms.
HW_CORE_SRC := $(wildcard core/*.c platform/hw/core/*.c) $(HW_KDIR)/elf.c
HW_CORE_OBJ := $(patsubst %,$(HW_OUT)/robj/%.o,$(HW_CORE_SRC))
HW_CORE := $(HW_OUT)/bin/core
HW_CORE_CAPS := 900 # of the 1024 slots of core's capability space; the rest for core itself
$(HW_CORE_OBJ): HW_RCFLAGS += -DCORE_PLATFORM_CAPS=$(HW_CORE_CAPS)
HW_SANDBOX_OBJ := $(patsubst %,$(HW_OUT)/robj/%.o,$(wildcard lib/sandbox/*.c))
HW_SANDBOX_LIB := $(HW_OUT)/lib/libgneiss-sandbox.a
# test components that need linux: the host-escape attacks and the fault injector's linux calls
HW_LINUX_ONLY := $(notdir $(patsubst %/,%,$(dir $(shell grep -l 'lx\.h\|lx_' test/component/*/*.c))))
HW_COMPONENT_DIRS := $(addprefix os/,$(COMPONENTS)) \
	$(addprefix test/component/,$(filter-out $(HW_LINUX_ONLY),$(TEST_COMPONENTS)))
HW_COMPONENT_BINS := $(addprefix $(HW_OUT)/bin/,$(notdir $(HW_COMPONENT_DIRS)))
$(HW_OUT)/robj/test/component/%: HW_RCFLAGS += -Itest/component/include

$(HW_SANDBOX_LIB): $(HW_SANDBOX_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(HW_CORE): $(HW_RT_START) $(HW_CORE_OBJ) $(HW_RT_LIB) $(HW_TDIR)/user.ld
	@mkdir -p $(dir $@)
	$(call say,RLD,$@)
	$(Q)$(CC) $(HW_ULDFLAGS) -o $@ $(HW_RT_START) $(HW_CORE_OBJ) $(HW_RT_LIB) -lgcc

define hw_component_rule
$(HW_OUT)/bin/$(notdir $(1)): $(HW_RT_START) $(patsubst %,$(HW_OUT)/robj/%.o,$(wildcard $(1)/*.c)) \
		$(HW_SANDBOX_LIB) $(HW_RT_LIB) $(HW_TDIR)/user.ld
	@mkdir -p $$(dir $$@)
	$$(call say,RLD,$$@)
	$(Q)$(CC) $(HW_ULDFLAGS) -o $$@ $(HW_RT_START) \
		$(patsubst %,$(HW_OUT)/robj/%.o,$(wildcard $(1)/*.c)) $(HW_SANDBOX_LIB) $(HW_RT_LIB) -lgcc
endef
$(foreach c,$(HW_COMPONENT_DIRS),$(eval $(call hw_component_rule,$(c))))

hw: $(HW_CORE) $(HW_COMPONENT_BINS)
all: $(HW_CORE) $(HW_COMPONENT_BINS)
# ---- end of core and the components on hw -------------------------------------------------------
