#include "CTownshipOpenSSLShims.h"
