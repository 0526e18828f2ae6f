/* print-driver.h - the printer languages Marquee writes (a name for each is
 * in kiosk.conf's printer_driver). Shared by printers/ and the configuration,
 * which includes it; nothing here includes anything of src/. */
#ifndef MARQUEE_PRINT_DRIVER_H
#define MARQUEE_PRINT_DRIVER_H

enum print_driver { DRIVER_PS, DRIVER_ESCPOS, DRIVER_FGL };

#endif
