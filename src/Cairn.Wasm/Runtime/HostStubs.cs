using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Cairn.Wasm.Compilation;

namespace Cairn.Wasm.Runtime;

/// <summary>
/// One static method per host-function signature with the same calling convention as compiled wasm
/// functions (<c>params..., object context</c>), so compiled code calls host and wasm functions alike.
/// </summary>
internal static class HostStubs
{
    private static readonly ConcurrentDictionary<int, (IntPtr Code, MethodInfo Method)> s_stubs = new();
    private static readonly Lock s_lock = new();
    private static ModuleBuilder? s_module;
    private static int s_counter;

    public static (IntPtr Code, MethodInfo Method) Get(FuncType type)
    {
        if (s_stubs.TryGetValue(type.Id, out var stub))
        {
            return stub;
        }

        lock (s_lock)
        {
            if (s_stubs.TryGetValue(type.Id, out stub))
            {
                return stub;
            }

            if (s_module is null)
            {
                var asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Cairn.Wasm.HostStubs"), AssemblyBuilderAccess.Run);
                ModuleCompiler.GrantAccess(asm);
                s_module = asm.DefineDynamicModule("HostStubs");
            }

            var tb = s_module.DefineType($"Stub{s_counter++}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
            var p = type.Params;
            var r = type.Results;
            var paramTypes = p.Select(IlTypes.Of).Append(typeof(object)).ToArray();
            var mb = tb.DefineMethod("Call", MethodAttributes.Public | MethodAttributes.Static, r.Length == 1 ? IlTypes.Of(r[0]) : typeof(void), paramTypes);
            var il = mb.GetILGenerator();
            var arr = il.DeclareLocal(typeof(WasmValue[]));
            il.Emit(OpCodes.Ldc_I4, p.Length);
            il.Emit(OpCodes.Newarr, typeof(WasmValue));
            il.Emit(OpCodes.Stloc, arr);
            for (var i = 0; i < p.Length; i++)
            {
                il.Emit(OpCodes.Ldloc, arr);
                il.Emit(OpCodes.Ldc_I4, i);
                switch (p[i])
                {
                    case ValType.I32: il.Emit(OpCodes.Ldarg, i); il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(nameof(WasmValue.FromI32))!); break;
                    case ValType.I64: il.Emit(OpCodes.Ldarg, i); il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(nameof(WasmValue.FromI64))!); break;
                    case ValType.F32: il.Emit(OpCodes.Ldarg, i); il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(nameof(WasmValue.FromF32))!); break;
                    case ValType.F64: il.Emit(OpCodes.Ldarg, i); il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(nameof(WasmValue.FromF64))!); break;
                    default:
                        il.Emit(OpCodes.Ldc_I4, (int)p[i]);
                        il.Emit(OpCodes.Ldarg, i);
                        il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(nameof(WasmValue.FromRef))!);
                        break;
                }

                il.Emit(OpCodes.Stelem, typeof(WasmValue));
            }

            il.Emit(OpCodes.Ldarg, p.Length);
            il.Emit(OpCodes.Ldloc, arr);
            il.Emit(OpCodes.Call, typeof(HostStubs).GetMethod(nameof(Dispatch))!);
            if (r.Length == 0)
            {
                il.Emit(OpCodes.Pop);
            }
            else if (r.Length == 1)
            {
                il.Emit(OpCodes.Call, typeof(HostStubs).GetMethod("Result" + r[0] switch
                {
                    ValType.I32 => "I32",
                    ValType.I64 => "I64",
                    ValType.F32 => "F32",
                    ValType.F64 => "F64",
                    _ => "Ref",
                })!);
            }
            else
            {
                il.Emit(OpCodes.Call, typeof(HostStubs).GetMethod(nameof(StoreMulti))!);
            }

            il.Emit(OpCodes.Ret);
            var method = tb.CreateType().GetMethod("Call")!;
            stub = (method.MethodHandle.GetFunctionPointer(), method);
            s_stubs[type.Id] = stub;
            return stub;
        }
    }

    public static WasmValue[] Dispatch(object context, WasmValue[] args) => Unsafe.As<HostFunction>(context).Call(args);

    public static int ResultI32(WasmValue[] r) => r[0].I32;

    public static long ResultI64(WasmValue[] r) => r[0].I64;

    public static float ResultF32(WasmValue[] r) => r[0].F32;

    public static double ResultF64(WasmValue[] r) => r[0].F64;

    public static object? ResultRef(WasmValue[] r) => r[0].Ref;

    public static void StoreMulti(WasmValue[] r)
    {
        for (var i = 0; i < r.Length; i++)
        {
            switch (r[i].Type)
            {
                case ValType.I32: MultiValue.SetI32(r[i].I32, i); break;
                case ValType.I64: MultiValue.SetI64(r[i].I64, i); break;
                case ValType.F32: MultiValue.SetF32(r[i].F32, i); break;
                case ValType.F64: MultiValue.SetF64(r[i].F64, i); break;
                default: MultiValue.SetRef(r[i].Ref, i); break;
            }
        }
    }
}
