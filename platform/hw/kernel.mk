# The hw platform's kernel, included by the top-level Makefile and built by `make all` (or `make hw`)
# whatever PLATFORM is: build/hw/kernel.elf (ELF64, for gdb) and build/hw/kernel.elf32, the same
# image as ELF32 for QEMU's -kernel, which loads only 32-bit multiboot ELFs. The kernel links the
# freestanding parts of lib/base it needs (formatting, strings, the bitmap allocator) compiled with
# the kernel's own flags: no red zone and no SSE (interrupts and exceptions arrive on the kernel
# stack, and nothing saves vector registers), code model kernel (linked in the top 2 GiB).

HW_OUT := $(BUILD)/hw
HW_KDIR := platform/hw/kernel
HW_KERNEL_SRC := $(wildcard $(HW_KDIR)/*.c $(HW_KDIR)/*.S)
HW_KERNEL_LIB := lib/base/fmt.c lib/base/string.c lib/base/bitmap.c lib/freestanding/compiler_mem.c
HW_KERNEL_OBJ := $(patsubst %,$(HW_OUT)/kobj/%.o,$(HW_KERNEL_SRC) $(HW_KERNEL_LIB))
HW_KERNEL := $(HW_OUT)/kernel.elf32

HW_KCFLAGS := $(WARN) -Iinclude -I$(HW_KDIR) -O2 -g -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mgeneral-regs-only -mcmodel=kernel \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fno-common \
	-fno-omit-frame-pointer -MMD -MP
HW_KLDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(HW_KDIR)/kernel.ld -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

$(eval $(call flags_stamp,$(HW_OUT)/kflags,$(HW_KCFLAGS) $(HW_KLDFLAGS)))

.PHONY: hw
hw: $(HW_KERNEL)

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

# Host unit tests of the kernel's pure parts (test/unit/test_hw_kernel.c) and the fuzz target of
# the boot-information parser (test/fuzz/hw_multiboot.c) link those files, built for the host.
HW_KERNEL_PURE := multiboot.c frame.c
$(BH)/test/test_hw_kernel: $(patsubst %,$(BH)/obj/$(HW_KDIR)/%.o,$(HW_KERNEL_PURE))
$(BH)/obj/test/unit/test_hw_kernel.c.o: HOST_CFLAGS += -I$(HW_KDIR)
$(BF)/hw_multiboot: test/fuzz/hw_multiboot.c $(patsubst %,$(BF)/obj/$(HW_KDIR)/%.o,$(HW_KERNEL_PURE)) \
		$(BF)/lib/libgneiss.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(HW_KDIR) -o $@ $< $(filter %.o,$^) $(BF)/lib/libgneiss.a
