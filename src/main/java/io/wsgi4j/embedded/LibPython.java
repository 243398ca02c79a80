package io.wsgi4j.embedded;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The CPython C API calls embedded mode makes, bound through the FFM API to the shared libpython
 * of the selected interpreter. Only functions exported by every CPython 3.8 to 3.13 (the stable
 * ABI, plus Py_SetProgramName and Py_SetPythonHome, which are optional, and the long-standing
 * PyCFunction_NewEx, PyMarshal_ReadObjectFromString and PyUnicode_AsUTF8AndSize).
 *
 * <p>Start-up calls turn a NULL return into an {@link IOException} after Python has printed the
 * error. The per-request calls ({@link #restoreThread} to {@link #errSetString}) are the bare C
 * functions: their callers hold the GIL, check every result and release every new reference.
 */
final class LibPython {
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final ValueLayout.OfLong SSIZE = ValueLayout.JAVA_LONG;
    /** PyMethodDef's flag for a function taking (self, args array, count). */
    private static final int METH_FASTCALL = 0x0080;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle DLOPEN = libc("dlopen",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle DLSYM = libc("dlsym",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle DLERROR = libc("dlerror", FunctionDescriptor.of(ValueLayout.ADDRESS));

    private final Path path;
    private final MemorySegment handle;
    private final MethodHandle initializeEx;
    private final MethodHandle decodeLocale;
    private final Optional<MethodHandle> setProgramName;
    private final Optional<MethodHandle> setPythonHome;
    private final MethodHandle saveThread;
    private final MethodHandle gilEnsure;
    private final MethodHandle gilRelease;
    private final MethodHandle importModule;
    private final MethodHandle getAttrString;
    private final MethodHandle callObject;
    private final MethodHandle unicodeFromString;
    private final MethodHandle longFromLong;
    private final MethodHandle longAsLong;
    private final MethodHandle tupleNew;
    private final MethodHandle tupleSetItem;
    private final MethodHandle sysGetObject;
    private final MethodHandle listInsert;
    private final MethodHandle errOccurred;
    private final MethodHandle errPrint;
    private final MethodHandle errClear;
    private final MethodHandle decRefHandle;
    // Per request, on the threads that run Python.
    private final MethodHandle restoreThread;
    private final MethodHandle marshalRead;
    private final MethodHandle bytesFromStringAndSize;
    private final MethodHandle bytesAsString;
    private final MethodHandle bytesSize;
    private final MethodHandle unicodeAsUtf8AndSize;
    private final MethodHandle errSetString;
    private final MethodHandle errExceptionMatches;
    private final MethodHandle incRefHandle;
    private final MethodHandle cFunctionNewEx;
    private final MemorySegment none;
    private final MemorySegment trueObject;
    private final MemorySegment falseObject;

    private LibPython(Path path, MemorySegment handle) throws IOException {
        this.path = path;
        this.handle = handle;
        initializeEx = function("Py_InitializeEx", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        decodeLocale = function("Py_DecodeLocale",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        setProgramName = optional("Py_SetProgramName", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        setPythonHome = optional("Py_SetPythonHome", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        saveThread = function("PyEval_SaveThread", FunctionDescriptor.of(ValueLayout.ADDRESS));
        gilEnsure = function("PyGILState_Ensure", FunctionDescriptor.of(ValueLayout.JAVA_INT));
        gilRelease = function("PyGILState_Release", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        importModule = function("PyImport_ImportModule", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        getAttrString = function("PyObject_GetAttrString",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        callObject = function("PyObject_CallObject",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        unicodeFromString = function("PyUnicode_FromString",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        longFromLong = function("PyLong_FromLong", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        longAsLong = function("PyLong_AsLong", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        tupleNew = function("PyTuple_New", FunctionDescriptor.of(ValueLayout.ADDRESS, SSIZE));
        tupleSetItem = function("PyTuple_SetItem",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SSIZE, ValueLayout.ADDRESS));
        sysGetObject = function("PySys_GetObject", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        listInsert = function("PyList_Insert",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SSIZE, ValueLayout.ADDRESS));
        errOccurred = function("PyErr_Occurred", FunctionDescriptor.of(ValueLayout.ADDRESS));
        errPrint = function("PyErr_Print", FunctionDescriptor.ofVoid());
        errClear = function("PyErr_Clear", FunctionDescriptor.ofVoid());
        decRefHandle = function("Py_DecRef", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        restoreThread = function("PyEval_RestoreThread", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        marshalRead = function("PyMarshal_ReadObjectFromString",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, SSIZE));
        // Critical: a short call that reads a Java array in place (no copy to native memory first); it
        // allocates an object the cyclic collector does not track, so no Python code can run in it.
        bytesFromStringAndSize = function("PyBytes_FromStringAndSize",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, SSIZE), Linker.Option.critical(true));
        bytesAsString = function("PyBytes_AsString", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        bytesSize = function("PyBytes_Size", FunctionDescriptor.of(SSIZE, ValueLayout.ADDRESS));
        unicodeAsUtf8AndSize = function("PyUnicode_AsUTF8AndSize",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        errSetString = function("PyErr_SetString",
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        errExceptionMatches = function("PyErr_ExceptionMatches",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        incRefHandle = function("Py_IncRef", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        cFunctionNewEx = function("PyCFunction_NewEx", FunctionDescriptor.of(ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        none = symbol("_Py_NoneStruct");
        trueObject = symbol("_Py_TrueStruct");
        falseObject = symbol("_Py_FalseStruct");
    }

    /**
     * Loads the library with RTLD_GLOBAL, so that the C extensions Python loads later (which are
     * not linked against libpython) find its symbols.
     */
    static LibPython load(Path library) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(library.toString()),
                    RTLD_NOW | RTLD_GLOBAL);
            if (handle.address() == 0) {
                throw new IOException("cannot load " + library + ": " + dlerror());
            }
            return new LibPython(library, handle);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("cannot load " + library + ": " + e, e);
        }
    }

    Path path() {
        return path;
    }

    // -- start-up (the thread that initializes Python) -------------------------------

    /** Sets the program name (from which Python finds its prefix, and a virtual environment's pyvenv.cfg). */
    void setProgramName(Path executable) throws IOException {
        if (setProgramName.isPresent()) {
            invokeVoid(setProgramName.get(), decoded(executable.toString()));
        }
    }

    /** Sets PYTHONHOME's equivalent: an installation prefix without its own interpreter. */
    void setPythonHome(Path home) throws IOException {
        if (setPythonHome.isEmpty()) {
            throw new IOException(path + " has no Py_SetPythonHome; give --python-home a virtual environment instead");
        }
        invokeVoid(setPythonHome.get(), decoded(home.toString()));
    }

    /** Py_InitializeEx(0): Python installs no signal handlers; the JVM keeps its own. */
    void initialize() throws IOException {
        try {
            initializeEx.invokeExact(0);
        } catch (Throwable e) {
            throw new IOException("Py_InitializeEx failed: " + e, e);
        }
    }

    /** Releases the GIL this thread holds; returns its thread state, for {@link #restoreThread}. */
    MemorySegment saveThread() {
        try {
            MemorySegment state = (MemorySegment) saveThread.invokeExact();
            if (state.address() == 0) {
                throw new IllegalStateException("PyEval_SaveThread returned no thread state");
            }
            return state;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("PyEval_SaveThread failed: " + e, e);
        }
    }

    /** Takes the GIL back for this thread's state (waiting while another thread holds it). */
    void restoreThread(MemorySegment state) {
        try {
            restoreThread.invokeExact(state);
        } catch (Throwable e) {
            throw new IllegalStateException("PyEval_RestoreThread failed", e);
        }
    }

    // -- calls, each made holding the GIL ------------------------------------------------

    /** Takes the GIL for this platform thread, creating its thread state the first time; pass the result to {@link #gilRelease}. */
    int gilEnsure() {
        try {
            return (int) gilEnsure.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("PyGILState_Ensure failed", e);
        }
    }

    void gilRelease(int state) {
        try {
            gilRelease.invokeExact(state);
        } catch (Throwable e) {
            throw new IllegalStateException("PyGILState_Release failed", e);
        }
    }

    /** Puts a directory first on sys.path. */
    void prependSysPath(String directory) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = (MemorySegment) sysGetObject.invokeExact(arena.allocateFrom("path"));
            if (list.address() == 0) {
                throw new IOException("Python has no sys.path");
            }
            MemorySegment item = checked(unicode(arena, directory), "str(" + directory + ")");
            try {
                int status = (int) listInsert.invokeExact(list, 0L, item);
                if (status != 0) {
                    throw failed("sys.path.insert");
                }
            } finally {
                decRef(item);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("sys.path.insert failed: " + e, e);
        }
    }

    /** Imports a module; returns a new reference. */
    MemorySegment importModule(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return checked((MemorySegment) importModule.invokeExact(arena.allocateFrom(name)), "import " + name);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("import " + name + " failed: " + e, e);
        }
    }

    /**
     * Calls {@code module.function(*args)}, each argument a String or a Long, and returns the
     * result as a long (a function returning None gives 0).
     */
    long call(MemorySegment module, String function, Object... args) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callable = checked((MemorySegment) getAttrString.invokeExact(module,
                    arena.allocateFrom(function)), function);
            MemorySegment tuple = MemorySegment.NULL;
            try {
                tuple = checked((MemorySegment) tupleNew.invokeExact((long) args.length), "tuple");
                for (int i = 0; i < args.length; i++) {
                    MemorySegment item = switch (args[i]) {
                        case String text -> unicode(arena, text);
                        case Long number -> (MemorySegment) longFromLong.invokeExact((long) number);
                        default -> throw new IllegalArgumentException("cannot pass " + args[i] + " to Python");
                    };
                    // PyTuple_SetItem steals the reference, even when it fails.
                    if ((int) tupleSetItem.invokeExact(tuple, (long) i, checked(item, "argument")) != 0) {
                        throw failed(function + ": building its arguments");
                    }
                }
                MemorySegment result = checked((MemorySegment) callObject.invokeExact(callable, tuple), function + "()");
                try {
                    return asLong(result);
                } finally {
                    decRef(result);
                }
            } finally {
                decRef(tuple);
                decRef(callable);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(function + "() failed: " + e, e);
        }
    }

    /** {@code marshal.loads} of {@code length} bytes at {@code data}: a new reference, or NULL with an exception set. */
    MemorySegment marshalRead(MemorySegment data, long length) {
        try {
            return (MemorySegment) marshalRead.invokeExact(data, length);
        } catch (Throwable e) {
            throw new IllegalStateException("PyMarshal_ReadObjectFromString failed", e);
        }
    }

    /** A new bytes object holding a copy of {@code length} bytes at {@code data} (NULL: uninitialised, to be filled). */
    MemorySegment bytes(MemorySegment data, long length) {
        try {
            return (MemorySegment) bytesFromStringAndSize.invokeExact(data, length);
        } catch (Throwable e) {
            throw new IllegalStateException("PyBytes_FromStringAndSize failed", e);
        }
    }

    /**
     * The contents of a bytes object, valid while it lives; NULL (with TypeError set) for anything
     * else. Its size is {@link #bytesSize}.
     */
    MemorySegment bytesData(MemorySegment bytes) {
        try {
            return (MemorySegment) bytesAsString.invokeExact(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException("PyBytes_AsString failed", e);
        }
    }

    long bytesSize(MemorySegment bytes) {
        try {
            return (long) bytesSize.invokeExact(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException("PyBytes_Size failed", e);
        }
    }

    /** A str's UTF-8 bytes as a Java string; null (with an exception set) if it is not a str. */
    String utf8(MemorySegment text, MemorySegment sizeCell) {
        try {
            MemorySegment data = (MemorySegment) unicodeAsUtf8AndSize.invokeExact(text, sizeCell);
            if (data.address() == 0) {
                return null;
            }
            long size = sizeCell.get(SSIZE, 0);
            return new String(data.reinterpret(size).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        } catch (Throwable e) {
            throw new IllegalStateException("PyUnicode_AsUTF8AndSize failed", e);
        }
    }

    /** A new int object (small ones are Python's shared instances). */
    MemorySegment integer(long value) {
        try {
            return (MemorySegment) longFromLong.invokeExact(value);
        } catch (Throwable e) {
            throw new IllegalStateException("PyLong_FromLong failed", e);
        }
    }

    /** An int object's value; -1 with an exception set if it is not one. */
    long integerValue(MemorySegment object) {
        try {
            return (long) longAsLong.invokeExact(object);
        } catch (Throwable e) {
            throw new IllegalStateException("PyLong_AsLong failed", e);
        }
    }

    /** A new tuple of these objects, whose references it takes over (each must be a new one). */
    MemorySegment tuple(MemorySegment... items) {
        try {
            MemorySegment tuple = (MemorySegment) tupleNew.invokeExact((long) items.length);
            if (tuple.address() == 0) {
                for (MemorySegment item : items) {
                    decRef(item);
                }
                return tuple;
            }
            for (int i = 0; i < items.length; i++) {
                int ignored = (int) tupleSetItem.invokeExact(tuple, (long) i, items[i]);
            }
            return tuple;
        } catch (Throwable e) {
            throw new IllegalStateException("PyTuple_New failed", e);
        }
    }

    /** {@code callable(*args)}: a new reference, or NULL with an exception set. */
    MemorySegment call(MemorySegment callable, MemorySegment args) {
        try {
            return (MemorySegment) callObject.invokeExact(callable, args);
        } catch (Throwable e) {
            throw new IllegalStateException("PyObject_CallObject failed", e);
        }
    }

    /** {@code getattr(object, name)}: a new reference; throws if there is none. */
    MemorySegment attribute(MemorySegment object, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return checked((MemorySegment) getAttrString.invokeExact(object, arena.allocateFrom(name)), name);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("getattr " + name + " failed: " + e, e);
        }
    }

    /** Whether the exception set is (a subclass of) {@code type}. */
    boolean exceptionMatches(MemorySegment type) {
        try {
            return (int) errExceptionMatches.invokeExact(type) != 0;
        } catch (Throwable e) {
            throw new IllegalStateException("PyErr_ExceptionMatches failed", e);
        }
    }

    /** Sets an exception of this type with a message (UTF-8 in native memory). */
    void errSetString(MemorySegment type, MemorySegment message) {
        try {
            errSetString.invokeExact(type, message);
        } catch (Throwable e) {
            throw new IllegalStateException("PyErr_SetString failed", e);
        }
    }

    /** Prints the exception set (to sys.stderr: the error log) and clears it. */
    void printError() {
        try {
            errPrint.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("PyErr_Print failed", e);
        }
    }

    void clearError() {
        try {
            errClear.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("PyErr_Clear failed", e);
        }
    }

    /** None, with a new reference: what a function returns when it has nothing to say. */
    MemorySegment newNone() {
        incRef(none);
        return none;
    }

    MemorySegment none() {
        return none;
    }

    /** True or False, with a new reference. */
    MemorySegment newBool(boolean value) {
        MemorySegment object = value ? trueObject : falseObject;
        incRef(object);
        return object;
    }

    boolean isTrue(MemorySegment object) {
        return object.address() == trueObject.address();
    }

    /** A built-in exception class, {@code PyExc_<name>} (a borrowed reference). */
    MemorySegment exceptionType(String name) throws IOException {
        return symbol("PyExc_" + name).reinterpret(ValueLayout.ADDRESS.byteSize()).get(ValueLayout.ADDRESS, 0);
    }

    /** A new str from Java text. */
    MemorySegment str(String text) {
        try (Arena arena = Arena.ofConfined()) {
            return unicode(arena, text);
        } catch (Throwable e) {
            throw new IllegalStateException("PyUnicode_FromString failed", e);
        }
    }

    void incRef(MemorySegment object) {
        try {
            incRefHandle.invokeExact(object);
        } catch (Throwable e) {
            throw new IllegalStateException("Py_IncRef failed", e);
        }
    }

    /**
     * A built-in function object (as a C extension defines one) calling {@code function}, a
     * METH_FASTCALL C function: {@code PyObject *f(PyObject *self, PyObject *const *args, Py_ssize_t nargs)}.
     * Its definition lives as long as the process, as Python requires.
     */
    MemorySegment builtin(String name, MemorySegment function) throws IOException {
        MemorySegment definition = Arena.global().allocate(32, 8);
        definition.set(ValueLayout.ADDRESS, 0, Arena.global().allocateFrom(name));
        definition.set(ValueLayout.ADDRESS, 8, function);
        definition.set(ValueLayout.JAVA_INT, 16, METH_FASTCALL);
        definition.set(ValueLayout.ADDRESS, 24, MemorySegment.NULL);
        try {
            return checked((MemorySegment) cFunctionNewEx.invokeExact(definition, MemorySegment.NULL,
                    MemorySegment.NULL), "builtin " + name);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("PyCFunction_NewEx failed: " + e, e);
        }
    }

    /** {@code module.function(*args)} with Python objects, returning a new reference; throws (the error printed) on failure. */
    MemorySegment callObjects(MemorySegment module, String function, MemorySegment... args) throws IOException {
        MemorySegment callable = attribute(module, function);
        try {
            for (MemorySegment arg : args) {
                incRef(arg);
            }
            MemorySegment tuple = tuple(args);
            try {
                return checked(call(callable, checked(tuple, "tuple")), function + "()");
            } finally {
                decRef(tuple);
            }
        } finally {
            decRef(callable);
        }
    }

    void decRef(MemorySegment object) {
        if (object.address() == 0) {
            return;
        }
        try {
            decRefHandle.invokeExact(object);
        } catch (Throwable e) {
            throw new IllegalStateException("Py_DecRef failed", e);
        }
    }

    // -- helpers ---------------------------------------------------------------------

    private MemorySegment unicode(Arena arena, String text) throws Throwable {
        return (MemorySegment) unicodeFromString.invokeExact(arena.allocateFrom(text));
    }

    /** None and other non-integers count as 0. */
    private long asLong(MemorySegment object) throws Throwable {
        long value = (long) longAsLong.invokeExact(object);
        if (value == -1 && ((MemorySegment) errOccurred.invokeExact()).address() != 0) {
            // Not an int (None): the value is not used.
            errClear.invokeExact();
            return 0;
        }
        return value;
    }

    /** A NULL result means a Python exception: it is printed (to the error log, once the log is set up). */
    private MemorySegment checked(MemorySegment result, String what) throws IOException {
        if (result.address() == 0) {
            throw failed(what);
        }
        return result;
    }

    private IOException failed(String what) {
        try {
            if (((MemorySegment) errOccurred.invokeExact()).address() != 0) {
                errPrint.invokeExact();
                return new IOException(what + " raised an exception (its traceback is in the error log)");
            }
        } catch (Throwable e) {
            return new IOException(what + " failed: " + e, e);
        }
        return new IOException(what + " failed");
    }

    /** A wchar_t string made by Python's own decoder; it is kept for the life of the process, as Python requires. */
    private MemorySegment decoded(String text) throws IOException {
        try {
            MemorySegment wide = (MemorySegment) decodeLocale.invokeExact(Arena.global().allocateFrom(text),
                    MemorySegment.NULL);
            if (wide.address() == 0) {
                throw new IOException("Py_DecodeLocale could not decode " + text);
            }
            return wide;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("Py_DecodeLocale failed: " + e, e);
        }
    }

    private static void invokeVoid(MethodHandle function, MemorySegment argument) throws IOException {
        try {
            function.invokeExact(argument);
        } catch (Throwable e) {
            throw new IOException(e.toString(), e);
        }
    }

    private MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options)
            throws IOException {
        return optional(name, descriptor, options).orElseThrow(() -> new IOException(path + " does not export " + name
                + ": it is not a CPython 3.8-3.13 library"));
    }

    private Optional<MethodHandle> optional(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = (MemorySegment) DLSYM.invokeExact(handle, arena.allocateFrom(name));
            return address.address() == 0 ? Optional.empty()
                    : Optional.of(LINKER.downcallHandle(address, descriptor, options));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** The address of an exported data symbol (_Py_NoneStruct). */
    private MemorySegment symbol(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = (MemorySegment) DLSYM.invokeExact(handle, arena.allocateFrom(name));
            if (address.address() == 0) {
                throw new IOException(path + " does not export " + name + ": it is not a CPython 3.8-3.13 library");
            }
            return address;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("dlsym " + name + " failed: " + e, e);
        }
    }

    private static String dlerror() {
        try {
            MemorySegment message = (MemorySegment) DLERROR.invokeExact();
            return message.address() == 0 ? "unknown error" : message.reinterpret(4096).getString(0);
        } catch (Throwable e) {
            return e.toString();
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
