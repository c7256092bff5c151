/** The gaffer release this port reproduces; reported by every tool and route. */
export const VERSION = '0.5.2';
